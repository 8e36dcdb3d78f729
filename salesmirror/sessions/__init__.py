"""Session storage: every call kept in SQLite as it happens, read back for replay and export.

Qt-free: the store, the journal that writes a running call, and the exports run headless in the
CLI and the tests; the replay window and session list are thin views over them.
"""
