# WGAN Lab - two commands (see README.md):
#   make lab    set up (first time only) and open the course in JupyterLab
#   make test   set up (first time only) and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

# Offline MNIST: use the shared 10k sample when it sits beside the project
# (developers and CI), unless MNIST_NPZ is already set.
SHARED_MNIST := $(abspath ../shared/data/mnist-10k.npz)
ifneq ($(wildcard $(SHARED_MNIST)),)
MNIST_NPZ ?= $(SHARED_MNIST)
export MNIST_NPZ
endif

.PHONY: lab test unit notebooks pretrain benchmark

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# (--allow-root only where you are root, as in many containers.)
lab: $(BIN)/.installed
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

# Unit tests, the browser test (skipped without Chromium), then every notebook
# under nbval in quick mode (tiny training runs).
test: $(BIN)/.installed
	WGAN_LAB_QUICK=1 $(BIN)/python -m pytest tests notebooks --nbval-lax

unit: $(BIN)/.installed
	$(BIN)/python -m pytest tests -m "not browser"

notebooks: $(BIN)/.installed
	WGAN_LAB_QUICK=1 $(BIN)/python -m pytest notebooks --nbval-lax

# Instructors: pre-train every model of the course where the notebooks look:
# runs/ at the project root, or the folder named by WGAN_LAB_RUNS.
RUNS := $(or $(WGAN_LAB_RUNS),runs)
pretrain: $(BIN)/.installed
	$(BIN)/python -m labhelpers.train wgan --out $(RUNS)/wgan
	$(BIN)/python -m labhelpers.train wgan-gp --out $(RUNS)/wgan-gp
	$(BIN)/python -m labhelpers.train gan --out $(RUNS)/gan
	$(BIN)/python -m labhelpers.train wgan --digit all --out $(RUNS)/wgan-all
	$(BIN)/python -m labhelpers.train wgan-gp --digit all --out $(RUNS)/wgan-gp-all
	$(BIN)/python -m labhelpers.train gan --digit all --out $(RUNS)/gan-all
	@# Ten times the learning rates may diverge: that is a result (notebook 04), so go on.
	-$(BIN)/python -m labhelpers.train wgan --lr-scale 10 --out $(RUNS)/wgan-lr10
	-$(BIN)/python -m labhelpers.train wgan-gp --lr-scale 10 --out $(RUNS)/wgan-gp-lr10
	-$(BIN)/python -m labhelpers.train gan --lr-scale 10 --out $(RUNS)/gan-lr10

# Training speed: the reference loop against labhelpers' trainers (see benchmarks/).
BENCH_ARGS ?= --iterations 20
benchmark: $(BIN)/.installed
	$(BIN)/python benchmarks/training_speed.py $(BENCH_ARGS)
