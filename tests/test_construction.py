"""Bout en bout : construction de params/2024.yml par papermill, exports, moteurs de rendu, CLI.

La construction est faite une fois pour la session (fixture ``construction_2024`` de conftest.py,
partagée avec test_fidelite.py) dans un dossier temporaire ; Quarto y est rendu absent exprès :
le moteur intégré rend le rapport, comme sur une machine sans Quarto.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from bilan import construire as construction
from bilan.config import NOTEBOOKS, RACINE
from bilan.donnees import charger_plan
from bilan.exports import EXPORTS, LIVRABLES, MESURES, NOM_CLASSEUR
from bilan.fiches import statut_en_capitales, texte_budget
from conftest import PARAMS_2024

VAR = re.compile(r"\{\{<\s*var\s+([\w.]+)\s*>\}\}")


def sorties_markdown(cellule) -> str:
    return "\n".join(o["data"]["text/markdown"] for o in cellule.get("outputs", []) if "text/markdown" in o.get("data", {}))


def notebook(construction_2024, nom: str):
    return nbformat.read(construction_2024["dossier"] / "notebooks" / nom, as_version=4)


def test_sans_quarto_le_moteur_integre_rend_le_rapport(construction_2024):
    assert construction_2024["code"] == construction.OK
    texte = "\n".join(construction_2024["messages"])
    assert "moteur intégré (Pandoc" in texte and "Quarto n'est pas installé" in texte
    rapport = construction_2024["dossier"] / "rapport"
    assert (rapport / "index.html").exists() and (rapport / "rapport.pdf").exists()
    p = yaml.safe_load((construction_2024["dossier"] / "provenance.yml").read_text(encoding="utf-8"))
    assert p["moteur_de_rendu"] == "moteur intégré (Pandoc et Typst)"
    assert p["versions"]["pandoc"].startswith("3.") and p["versions"]["quarto"] == "absent"


def test_publie_ce_que_liste_le_readme(construction_2024):
    """Ni livre Markdown, ni fichiers de Quarto, ni journal des noyaux dans la construction publiée."""
    assert sorted(p.name for p in construction_2024["dossier"].iterdir()) == sorted(construction.PUBLIES)
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    for nom in construction.PUBLIES:
        assert nom in readme, f"{nom} publié mais absent du README"


def test_quarto_force_mais_absent_garde_le_code_3(tmp_path, monkeypatch):
    from bilan import rendu

    monkeypatch.setattr(rendu, "quarto_disponible", lambda: None)
    messages: list[str] = []
    code = construction.construire(PARAMS_2024, racine=tmp_path / "_build", dire=messages.append,
                                   source=_un_chapitre(tmp_path), moteur="quarto")
    assert code == construction.QUARTO_ABSENT
    texte = "\n".join(messages)
    assert "Quarto" in texte and "environment.yml" in texte
    publie = tmp_path / "_build" / "2024"
    assert (publie / "notebooks" / "01_introduction.ipynb").exists() and not (publie / "rapport").exists()


def test_notebooks_executes_gardes(construction_2024):
    noms = sorted(p.name for p in (construction_2024["dossier"] / "notebooks").glob("*.ipynb"))
    assert noms == sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for nom in noms:
        nb = notebook(construction_2024, nom)
        injectees = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        # Chemin relatif au projet : identique d'un dossier de travail, et d'une copie du dépôt, à l'autre.
        assert len(injectees) == 1 and 'parametres = "params/2024.yml"' in injectees[0].source
        erreurs = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert erreurs == [], nom
        # Ni horodatage ni durée : la date de la construction n'est que dans provenance.yml.
        texte = (construction_2024["dossier"] / "notebooks" / nom).read_text(encoding="utf-8")
        assert "start_time" not in texte and "end_time" not in texte and "iopub" not in texte


def test_figures_vectorielles(construction_2024):
    figures = construction_2024["dossier"] / "notebooks" / "figures"
    for nom in ("statut-mesures", "statut-livrables", "statut-axes"):
        svg = (figures / f"{nom}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_exports_mesures(construction_2024):
    with (construction_2024["dossier"] / "donnees" / "mesures.csv").open(encoding="utf-8") as f:
        lignes = list(csv.DictReader(f))
    assert list(lignes[0]) == MESURES.noms
    assert len(lignes) == 38
    par_id = {l["mesure"]: l for l in lignes}
    assert par_id["1"]["statut"] == "En cours" and par_id["1"]["budget"] == "1953200"
    assert par_id["2"]["recommandations"] == "5;13;55"
    assert par_id["26"]["recommandations"] == "Initiative gouvernementale"
    assert par_id["11"]["recommandations"] == "Inconnues"
    assert par_id["3"]["porteurs"] == "MSP ; SCF"
    assert (par_id["3"]["budget"], par_id["3"]["budget_commun"], par_id["3"]["budget_commun_montant"]) == ("", "communication", "2903063")
    assert par_id["9"]["budget_type"] == "autofinance" and par_id["9"]["budget"] == ""
    assert sum(l["statut"] in ("Réalisée", "Réalisée (en partie)") for l in lignes) == 22


def test_exports_livrables(construction_2024):
    with (construction_2024["dossier"] / "donnees" / "livrables.csv").open(encoding="utf-8") as f:
        lignes = list(csv.DictReader(f))
    assert list(lignes[0]) == LIVRABLES.noms
    assert len(lignes) == 94
    assert sum(l["statut"] in ("Réalisé", "Réalisé (récurrent)") for l in lignes) == 55


def test_exports_publies(construction_2024):
    """Les CSV, leur dictionnaire et le classeur : rien d'autre dans donnees/."""
    donnees = construction_2024["dossier"] / "donnees"
    assert sorted(p.name for p in donnees.iterdir()) == sorted([e.fichier for e in EXPORTS] + [NOM_CLASSEUR])


def test_variables_et_provenance(construction_2024):
    d = construction_2024["dossier"]
    v = yaml.safe_load((d / "_variables.yml").read_text(encoding="utf-8"))
    assert v["mesures"]["realise"]["pourcentage"] == "58\u00a0%"
    assert v["budget"]["total"] == "148\u00a0786\u00a0925\u00a0$"
    p = yaml.safe_load((d / "provenance.yml").read_text(encoding="utf-8"))
    assert p["parametres"]["fichier"] == "params/2024.yml"
    assert set(p["donnees_sha256"]) >= {"data/mesures.csv", "data/statuts_livrables.csv"}
    assert p["versions"]["papermill"]
    assert "commit" in p["git"]


def test_chaque_fiche_montre_les_donnees(construction_2024):
    """Pour chaque mesure, la fiche du notebook exécuté porte les valeurs des données (écrites
    en Markdown par bilan.markdown : échappées, typographie française)."""
    from bilan.fiches import statut_de_titre
    from bilan.markdown import texte, texte_riche

    plan = charger_plan()
    fiches: dict[str, str] = {}
    for chemin in sorted((construction_2024["dossier"] / "notebooks").glob("*_axe*.ipynb")):
        for c in nbformat.read(chemin, as_version=4).cells:
            m = re.fullmatch(r'ctx\.fiche\("([^"]+)"\)', c.source.strip()) if c.cell_type == "code" else None
            if m:
                fiches[m.group(1)] = sorties_markdown(c)
    assert set(fiches) == set(plan.mesures["mesure"])
    statuts = dict(zip(plan.statuts_mesures["mesure"], plan.statuts_mesures["statut"]))
    for _, m in plan.mesures.iterrows():
        fiche = fiches[m["mesure"]]
        assert statut_de_titre(statuts[m["mesure"]]) in fiche, m["mesure"]
        assert texte_budget(plan, m) in fiche
        assert texte_riche(m["titre"]) in fiche
        for org in plan.mesures_organisations.query("mesure == @m.mesure")["organisation"]:
            assert texte(org) in fiche, (m["mesure"], org)
        for _, liv in plan.livrables.query("mesure == @m.mesure").iterrows():
            assert texte_riche(liv["livrable"]) in fiche, (m["mesure"], liv["livrable"])
        for n in plan.mesures_recommandations.query("mesure == @m.mesure")["recommandation"]:
            assert f"#recommandation-{n})" in fiche
        if m["note"]:
            assert texte_riche(m["note"]) in fiche
        if m["liens_recommandations"] == "inconnus":
            assert "inconnues" in fiche
    assert "Initiative gouvernementale" in fiches["26"]


def test_echec_d_un_notebook_nomme_la_cellule_et_laisse_la_construction_precedente(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    shutil.copy(NOTEBOOKS / "02_introduction.ipynb", source / "01_introduction.ipynb")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["bilan"] = {"revise_pour": "2024"}  # récit révisé pour l'édition construite (bilan.relecture)
    parametres = nbformat.v4.new_code_cell('parametres: str = "params/2024.yml"')
    parametres.metadata["tags"] = ["parameters"]
    nb.cells = [parametres, nbformat.v4.new_markdown_cell("# Chapitre"), nbformat.v4.new_code_cell("total = 1 / 0")]
    nbformat.write(nb, source / "02_casse.ipynb")
    racine = tmp_path / "_build"
    (racine / "2024").mkdir(parents=True)
    (racine / "2024" / "precedente.txt").write_text("construction précédente", encoding="utf-8")
    messages: list[str] = []
    code = construction.construire(PARAMS_2024, racine=racine, rendre=False, dire=messages.append, source=source)
    texte = "\n".join(messages)
    assert code == construction.ECHEC_NOTEBOOK
    assert "notebooks/02_casse.ipynb, cellule n° 3 (« total = 1 / 0 »)" in texte
    assert "ZeroDivisionError" in texte
    assert (racine / "2024" / "precedente.txt").read_text(encoding="utf-8") == "construction précédente"
    assert (racine / ".echec-2024" / "publie" / "notebooks" / "02_casse.ipynb").exists()
    assert not list(racine.glob(".en-cours-*"))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bilan", *args], cwd=RACINE, capture_output=True, text=True)


def test_cli_aide_en_francais():
    r = _cli("--help")
    assert r.returncode == 0
    assert "utilisation : python -m bilan" in r.stdout
    assert "valider" in r.stdout and "construire" in r.stdout and "codes de sortie" in r.stdout


def test_cli_valider_2024():
    r = _cli("valider", "params/2024.yml")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Données : conformes" in r.stdout


def test_cli_valider_parametres_invalides(tmp_path):
    faux = tmp_path / "2026.yml"
    faux.write_text(PARAMS_2024.read_text(encoding="utf-8").replace("date_reference: 2024-09-01", "date_reference: 2024-02-30"), encoding="utf-8")
    r = _cli("valider", str(faux))
    assert r.returncode == 1
    assert "date invalide « 2024-02-30 »" in r.stdout


def test_cli_commande_inconnue():
    r = _cli("publier", "params/2024.yml")
    assert r.returncode == 2
    assert "erreur" in r.stderr


def test_cli_construire_arrete_sur_donnees_invalides(tmp_path):
    faux = tmp_path / "2024.yml"
    faux.write_text("rapport: {}\n", encoding="utf-8")
    r = _cli("construire", str(faux))
    assert r.returncode == 1
    assert "clé manquante" in r.stdout and "Construction arrêtée" in r.stdout


def _faux_quarto(dossier: Path, code_rendu: int) -> Path:
    """Un programme « quarto » minimal : répond à --version et simule render (journal des appels)."""
    binaire = dossier / "bin"
    binaire.mkdir()
    script = binaire / "quarto"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{dossier}/appels.txt"\n'
        'if [ "$1" = "--version" ]; then echo 1.10.19; exit 0; fi\n'
        'if [ "$1" = "render" ]; then\n'
        '  test -f "$2/_quarto-edition.yml" || { echo "profil absent" >&2; exit 9; }\n'
        '  grep -q "01_introduction.md" "$2/_quarto.yml" || { echo "chapitres absents" >&2; exit 9; }\n'
        '  test -f "$2/01_introduction.md" || { echo "livre absent" >&2; exit 9; }\n'
        '  mkdir -p "$2/_rapport" "$2/.quarto"\n'
        '  echo "<html lang=\\"fr\\"></html>" > "$2/_rapport/index.html"\n'
        '  echo "%PDF-1.7" > "$2/_rapport/rapport.pdf"\n'
        f'  [ {code_rendu} -eq 0 ] || echo "ERROR: compilation Typst impossible" >&2\n'
        f"  exit {code_rendu}\n"
        "fi\n"
        "exit 2\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return binaire


def _un_chapitre(dossier: Path) -> Path:
    source = dossier / "notebooks"
    source.mkdir()
    shutil.copy(NOTEBOOKS / "02_introduction.ipynb", source / "01_introduction.ipynb")
    return source


def test_rendu_quarto_publie_html_et_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{_faux_quarto(tmp_path, 0)}:{os.environ['PATH']}")
    racine = tmp_path / "_build"
    messages: list[str] = []
    code = construction.construire(PARAMS_2024, racine=racine, dire=messages.append, source=_un_chapitre(tmp_path))
    assert code == construction.OK, messages
    publie = racine / "2024"
    assert (publie / "rapport" / "index.html").exists() and (publie / "rapport" / "rapport.pdf").exists()
    assert sorted(p.name for p in publie.iterdir()) == sorted(construction.PUBLIES)
    appels = (tmp_path / "appels.txt").read_text(encoding="utf-8")
    assert re.search(r"^render \S+ --profile edition$", appels, re.MULTILINE)
    assert "Quarto 1.10.19" in "\n".join(messages)
    assert yaml.safe_load((publie / "provenance.yml").read_text(encoding="utf-8"))["versions"]["quarto"] == "1.10.19"


def test_echec_du_rendu_laisse_la_construction_precedente(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{_faux_quarto(tmp_path, 1)}:{os.environ['PATH']}")
    racine = tmp_path / "_build"
    (racine / "2024").mkdir(parents=True)
    (racine / "2024" / "precedente.txt").write_text("construction précédente", encoding="utf-8")
    messages: list[str] = []
    code = construction.construire(PARAMS_2024, racine=racine, dire=messages.append, source=_un_chapitre(tmp_path))
    assert code == construction.ECHEC_RENDU
    assert "compilation Typst impossible" in "\n".join(messages)
    assert (racine / "2024" / "precedente.txt").exists()
    assert (racine / ".echec-2024" / "publie" / "notebooks" / "01_introduction.ipynb").exists()
