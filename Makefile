# Raccourcis du projet ; `make` ou `make help` les liste.
# Chaque cible crée au besoin l'environnement virtuel .venv/ (une fois, puis à chaque
# changement de pyproject.toml ou de contraintes.txt).

PYTHON ?= python3
EDITION ?= 2024
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

.DEFAULT_GOAL := help
.PHONY: help installer valider rapport notebooks apercu test banc banc-grand nettoyer

help: ## Afficher cette aide
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installe: pyproject.toml contraintes.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c contraintes.txt -e '.[dev]'
	touch $@

installer: $(VENV)/.installe ## Créer .venv/ et y installer le projet (versions de contraintes.txt)

valider: installer ## Valider les paramètres de l'édition (EDITION=2024) et les données
	$(PY) -m bilan valider params/$(EDITION).yml

rapport: installer ## Construire l'édition (EDITION=2024) : notebooks, exports, HTML, PDF et Word dans _build/$(EDITION)/
	$(PY) -m bilan construire params/$(EDITION).yml

notebooks: installer ## Construire sans le rendu (notebooks exécutés et exports seulement)
	$(PY) -m bilan construire params/$(EDITION).yml --sans-rendu

apercu: installer ## Aperçu des rédacteurs sur http://127.0.0.1:8000/ (PORT=…), reconstruit à chaque enregistrement
	$(PY) -m bilan apercu params/$(EDITION).yml --port $(PORT)

test: installer ## Lancer tous les tests
	$(PY) -m pytest

banc: installer ## Mesurer temps, mémoire et cibles de la construction (≈ 5 min ; benchmarks/mesurer.py)
	$(PY) benchmarks/mesurer.py

banc-grand: installer ## Le banc, plus un plan synthétique de 5 000 mesures (≈ 8 min)
	$(PY) benchmarks/mesurer.py --grand

nettoyer: ## Supprimer les constructions (_build/) ; les sources ne sont pas touchées
	rm -rf _build
