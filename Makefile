# WGAN Lab - two commands (see README.md):
#   make lab    set up (first time only) and open the course in JupyterLab
#   make test   set up (first time only), lint, and run the whole test suite

# The first Python that TensorFlow 2.21 supports (3.10 to 3.13), tried in this
# order; `make lab PYTHON=/path/to/python3.12` names one instead.
PYTHON_CANDIDATES := python3.11 python3.12 python3.13 python3.10 python3
FITS := import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))
ifeq ($(origin PYTHON), undefined)
PYTHON := $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c '$(FITS)' >/dev/null 2>&1 && echo $(p))))
endif
VENV := .venv
BIN := $(VENV)/bin

# Offline MNIST: use the shared 10k sample when it sits beside the project
# (developers and CI), unless MNIST_NPZ is already set.
SHARED_MNIST := $(abspath ../shared/data/mnist-10k.npz)
ifneq ($(wildcard $(SHARED_MNIST)),)
MNIST_NPZ ?= $(SHARED_MNIST)
export MNIST_NPZ
endif

.PHONY: check-python lab lock test unit lint notebooks pretrain pretrain-cost outputs readme-images numbers benchmark precision-quality

define CHECK_PYTHON
@test -n "$(PYTHON)" || { echo "error: no Python 3.10-3.13 found (TensorFlow 2.21 needs one): install one, or name it with PYTHON=/path/to/python3.12" >&2; exit 1; }
@$(PYTHON) -c '$(FITS)' 2>/dev/null || { echo "error: PYTHON=$(PYTHON) is not Python 3.10-3.13 (TensorFlow 2.21 needs one): name another with PYTHON=/path/to/python3.12" >&2; exit 1; }
endef

# Which Python `make lab` / `make test` would set up with (tests/test_makefile.py).
check-python:
	$(CHECK_PYTHON)
	@echo "$(PYTHON)"

$(BIN)/.installed: requirements.txt pyproject.toml
	$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.txt -e ".[course,dev]"
	touch $@

# Record the installed versions as requirements.txt (the constraints make installs with).
lock: $(BIN)/.installed
	{ sed -n '/^#/p' requirements.txt; $(BIN)/python -m pip freeze --exclude-editable \
	  | grep -v '^labhelpers' | sed 's/$$/ ; python_version == "3.11"/'; } > requirements.txt.new
	mv requirements.txt.new requirements.txt

# (--allow-root only where you are root, as in many containers.)
lab: $(BIN)/.installed
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

# Lint, every notebook under nbval in quick mode (tiny training runs), then the
# tests: the read-only test reuses the runs nbval made; the browser test is
# skipped without Chromium.
test: lint
	WGAN_LAB_QUICK=1 $(BIN)/python -m pytest notebooks tests --nbval-lax

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The fast tests (about a minute and a half on 2 cores): no training runs, no notebooks.
unit: $(BIN)/.installed
	$(BIN)/python -m pytest tests -m "not browser and not slow"

notebooks: $(BIN)/.installed
	WGAN_LAB_QUICK=1 $(BIN)/python -m pytest notebooks --nbval-lax

# The course's tools are console commands of the package (pyproject.toml, [project.scripts]).

# Instructors: pre-train every run the notebooks load (labhelpers/course.py names
# them) where the notebooks look: runs/ at the project root, or the folder named
# by WGAN_LAB_RUNS. Resumable: run it again after an interruption.
pretrain: $(BIN)/.installed
	$(BIN)/wgan-lab-pretrain

# What `make pretrain` will cost on this machine, part by part, predicted from short
# timed pieces (about 20 minutes), and the 2-D trainer's share of the matmul ceiling.
pretrain-cost: $(BIN)/.installed
	$(BIN)/python benchmarks/pretrain_cost.py

# The notebooks' committed outputs: execute all four in full mode from the
# pre-trained runs (refused while any is missing or stale) and stamp every cell
# (labhelpers/tools/outputs.py). Resumable: current notebooks are skipped.
outputs: $(BIN)/.installed
	$(BIN)/wgan-lab-outputs

# The README's training animations, from the pre-trained runs of the sevens.
readme-images: $(BIN)/.installed
	$(BIN)/wgan-lab-readme-images

# After changing the training code: does it still compute the same numbers?
# (labhelpers/tools/same_numbers.py; CONTRIBUTING.md, "Changing the training code".)
numbers: $(BIN)/.installed
	$(BIN)/wgan-lab-numbers

# Training speed: the reference loop against labhelpers' trainers (see benchmarks/).
BENCH_ARGS ?= --iterations 20
benchmark: $(BIN)/.installed
	$(BIN)/python benchmarks/training_speed.py $(BENCH_ARGS)

# Quality in bfloat16 against float32 over seeds (about 50 minutes on 2 CPU cores).
precision-quality: $(BIN)/.installed
	$(BIN)/python benchmarks/precision_quality.py
