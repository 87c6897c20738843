# kopi: two commands on a fresh Debian machine.
#   make demo   set everything up, then run the main job on sample_scans/
#   make test   set everything up, then run the tests
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
KOPI := $(VENV)/bin/kopi
export KOPI_HOME ?= $(CURDIR)/var
export OMP_THREAD_LIMIT := 1

.PHONY: setup demo serve test bench bench-more calibrate train-digits sample-scans clean

setup:
	@scripts/bootstrap.sh

OUT := $(KOPI_HOME)/keluaran
# The sample forms were filled in for one day (sample_scans/_truth/manifest.json): the demo reads
# them as of 09:00 WITA that day, so its result does not drift as the calendar passes their
# activity dates (read as of today, they would be held as "Tanggal tidak wajar"). Set KOPI_NOW to
# read them as of another time.
SAMPLES_DAY := $(shell grep -o '"today": *"[0-9-]*"' sample_scans/_truth/manifest.json | grep -o '[0-9][0-9-]*')
SAMPLES_NOW := $(SAMPLES_DAY)T09:00:00+08:00

demo: export KOPI_NOW ?= $(SAMPLES_NOW)
demo: setup
	$(KOPI) run sample_scans
	$(KOPI) export --format xlsx --out "$(OUT)/ekspor/formulir.xlsx"
	$(KOPI) export --format csv --out "$(OUT)/ekspor/formulir.csv"
	$(KOPI) export --format jsonl --out "$(OUT)/ekspor/formulir.jsonl"
	$(KOPI) report weekly --out "$(OUT)/laporan"
	$(KOPI) queue list --limit 12
	$(KOPI) feedback --semua --out "$(OUT)/umpan-balik"
	$(KOPI) agenda --out "$(OUT)/agenda"
	$(KOPI) agenda --minggu-depan --out "$(OUT)/agenda"
	@test -f "$(OUT)/formulir/KIM-01.pdf" || $(KOPI) forms render KIM-01 --count 2 --out "$(OUT)/formulir/KIM-01.pdf"
	@test -f "$(OUT)/formulir/KIM-02.pdf" || $(KOPI) forms render KIM-02 --count 2 --out "$(OUT)/formulir/KIM-02.pdf"
	@echo
	@echo "Hasil demo (semua di $(KOPI_HOME)):"
	@echo "  ekspor formulir  : $(OUT)/ekspor/formulir.xlsx (.csv, .jsonl); NIK dan HP disamarkan"
	@echo "  laporan mingguan : $(OUT)/laporan/laporan-mingguan-*.html"
	@echo "  umpan balik desa : $(OUT)/umpan-balik/*.pdf (untuk papan pengumuman desa)"
	@echo "  agenda pimpinan  : $(OUT)/agenda/*.pdf dan *.ics"
	@echo "  formulir kosong  : $(OUT)/formulir/KIM-01.pdf, KIM-02.pdf"
	@echo "  basis data       : $(KOPI_HOME)/kopi.db; berkas asli dan halaman lurus di $(KOPI_HOME)/blobs"

# The review desk on the demo data: fresh random passwords for the demo accounts are printed.
serve: setup
	KOPI_NOW="$${KOPI_NOW:-$(SAMPLES_NOW)}" $(KOPI) run sample_scans
	$(KOPI) users demo
	$(KOPI) serve

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: setup
	$(PY) -m bench.intake --pages 100
	$(PY) -m bench.intake --hard --pages 200 --seed 2029
	$(PY) -m bench.geometry --pages 200 --seed 2029
	$(PY) -m bench.classify
	$(PY) -m bench.identity --samples 40

# Three more hard sets (400 photos each, ~8 min each with generation), a set whose photos
# all show a sheet with one edge lifted (curl-s2041, ~4 min), and two sets whose phone and chat
# photos show two forms each (pair-s2043, where the coarse-sheet rule was chosen, and pair-s2045,
# first run after it; ~4 min each), and one where half the photos, of one form or two, show
# forms without marks (pairunm-s2047); pair-s2049 was made after the rules of the session that
# added it and first run with them. Results are written beside the committed ones: 2031's misreads were studied once (they led to two doubts in plausible.py and
# spelling.py), and its one form without marks left unnamed by title once (it led to flattening the
# heading's lighting in outline.py); 2033's once too (the word floor, the RT 9 doubt); 2035 was first run with the
# reader as of the session that added it, and nothing was changed for what it showed.
# hard-s2053 and pairunm-s2055 were added, and committed, before their first run (2026-12-04).
bench-more: setup
	$(PY) -m bench.intake --hard --pages 400 --seed 2031 --name hard-s2031
	$(PY) -m bench.intake --hard --pages 400 --seed 2033 --name hard-s2033
	$(PY) -m bench.intake --hard --pages 400 --seed 2035 --name hard-s2035
	$(PY) -m bench.intake --pages 100 --seed 2041 --curl 1 --name curl-s2041
	$(PY) -m bench.intake --pages 100 --seed 2043 --pairs 1 --name pair-s2043
	$(PY) -m bench.intake --pages 100 --seed 2045 --pairs 1 --name pair-s2045
	$(PY) -m bench.intake --pages 100 --seed 2049 --pairs 1 --name pair-s2049
	$(PY) -m bench.intake --pages 100 --seed 2047 --pairs 1 --unmarked 0.5 --name pairunm-s2047
	$(PY) -m bench.intake --pages 400 --seed 2051 --pairs 1 --unmarked 0.5 --name pairunm-s2051
	$(PY) -m bench.intake --hard --pages 400 --seed 2053 --name hard-s2053
	$(PY) -m bench.intake --pages 400 --seed 2055 --pairs 1 --unmarked 0.5 --name pairunm-s2055

# Refits pipeline/data/calibration/fields.json on training seeds the benchmarks never use.
calibrate: setup
	$(PY) -m bench.calibrate

# Retrains pipeline/data/digits/model.npz (seconds) and reports held-out accuracy.
train-digits: setup
	$(PY) -m bench.train_digits
	$(PY) -m bench.digit_cells

# Regenerates the committed sample set (about 20 pages, under 5 MB).
sample-scans: setup
	rm -rf sample_scans
	$(KOPI) samples generate --out sample_scans --count 20 --seed 11 --bad-files \
		--today 2026-11-23 --pdf-share 1 --phone-long-side 1600 --captures scan=0.4,phone=0.3,chat=0.3 \
		--pair-share 0.25

clean:
	rm -rf var .pytest_cache
