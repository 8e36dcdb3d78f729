"""PyInstaller hook for `webrtcvad`, as installed by the `webrtcvad-wheels` distribution.

The contributed hook asks for the metadata of a distribution named `webrtcvad`, which this one is
not, and aborts the build; the module itself is one Python file beside one extension, which
PyInstaller finds without help. Only the metadata of the distribution that did install it is kept.
"""

from PyInstaller.utils.hooks import copy_metadata

datas = copy_metadata("webrtcvad-wheels")
