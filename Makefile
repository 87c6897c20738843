# kopi: two commands on a fresh Debian machine.
#   make demo   set everything up, then run the main job on sample_scans/
#   make test   set everything up, then run the tests
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
KOPI := $(VENV)/bin/kopi
export KOPI_HOME ?= $(CURDIR)/var
export OMP_THREAD_LIMIT := 1

.PHONY: setup demo test bench sample-scans clean

setup:
	@scripts/bootstrap.sh

demo: setup
	@mkdir -p "$(KOPI_HOME)/keluaran/formulir"
	$(KOPI) forms render KIM-01 --count 2 --out "$(KOPI_HOME)/keluaran/formulir/KIM-01.pdf"
	$(KOPI) forms render KIM-02 --count 2 --desa "Anjir Muara Kota" --kecamatan "Anjir Muara" \
		--out "$(KOPI_HOME)/keluaran/formulir/KIM-02-anjir-muara-kota.pdf"
	$(KOPI) samples generate --out "$(KOPI_HOME)/keluaran/contoh" --count 6 --seed 1
	@echo "Formulir siap cetak : $(KOPI_HOME)/keluaran/formulir/"
	@echo "Contoh foto/pindaian: $(KOPI_HOME)/keluaran/contoh/ (kunci jawaban di _truth/)"

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) -m bench.identity --samples 40

# Regenerates the committed sample set (about 20 pages, under 5 MB).
sample-scans: setup
	rm -rf sample_scans
	$(KOPI) samples generate --out sample_scans --count 20 --seed 11 --bad-files \
		--today 2026-11-23 --pdf-share 1 --phone-long-side 1600 --captures scan=0.4,phone=0.3,chat=0.3

clean:
	rm -rf var .pytest_cache
