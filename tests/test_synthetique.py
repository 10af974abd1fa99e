"""Plans synthétiques (benchmarks/synthetique.py) et fiches d'un axe en un appel (ctx.fiches).

Un plan de 100 mesures suffit : ces tests disent que le générateur produit des données que la
vraie validation accepte, reproductibles, aux nombres et aux longueurs demandés ; la mesure
des temps, elle, est dans benchmarks/echelle.py.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from bilan.config import DONNEES, NOTEBOOKS, RACINE
from bilan.contexte import Contexte
from bilan.donnees import FICHIERS, charger_plan, verifier
from bilan.validation import ERREUR
from conftest import lire_csv

_spec = importlib.util.spec_from_file_location("synthetique", RACINE / "benchmarks" / "synthetique.py")
synthetique = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetique)

MESURES = 100


@pytest.fixture(scope="module")
def plan_synthetique(tmp_path_factory) -> Path:
    return synthetique.generer(tmp_path_factory.mktemp("synthetique"), MESURES, graine=0)


def _fichiers(dossier: Path) -> dict[str, bytes]:
    return {str(p.relative_to(dossier)): p.read_bytes() for p in sorted(dossier.rglob("*")) if p.is_file()}


def test_donnees_valides(plan_synthetique):
    _, constats = verifier(plan_synthetique / "data")
    assert [str(c) for c in constats if c.niveau == ERREUR] == []
    assert sorted(p.name for p in (plan_synthetique / "data").iterdir() if p.name != "README.md") == sorted(FICHIERS)


def test_memes_colonnes_que_les_donnees_reelles(plan_synthetique):
    for nom in FICHIERS:
        if nom.endswith(".csv"):
            entete = (plan_synthetique / "data" / nom).read_text(encoding="utf-8").splitlines()[0]
            assert entete == (DONNEES / nom).read_text(encoding="utf-8").splitlines()[0], nom


def test_nombres_demandes(plan_synthetique):
    plan = charger_plan(plan_synthetique / "data")
    assert plan.mesures["mesure"].tolist() == [str(i) for i in range(1, MESURES + 1)]
    assert sorted(plan.mesures["axe"].unique()) == [1, 2, 3, 4, 5, 6]
    par_mesure = plan.livrables.groupby("mesure").size()
    assert len(par_mesure) == MESURES and par_mesure.between(1, 6).all()
    assert 2.5 <= par_mesure.mean() <= 3.5
    # Un événement par mesure et par livrable à chacune des deux dates.
    for evenements, n in ((plan.statuts_mesures, MESURES), (plan.statuts_livrables, len(plan.livrables))):
        assert evenements.groupby("date").size().to_dict() == {d: n for d in evenements["date"].unique()}
        assert {d.isoformat() for d in evenements["date"]} == {"2022-09-01", "2024-09-01"}
    assert set(plan.mesures["budget_type"]) == {"montant", "autofinance", "partage"}
    assert len(plan.budgets_communs) >= 1
    assert set(plan.mesures["liens_recommandations"]) == {"connus", "inconnus", "initiative gouvernementale"}
    assert (plan.mesures["note"] != "").any()
    assert len(plan.recommandations) == round(MESURES * 58 / 38)
    reelles = {l["organisation"] for l in lire_csv(DONNEES / "organisations.csv")}
    assert set(plan.mesures_organisations["organisation"]) <= reelles


def test_melange_de_statuts(plan_synthetique):
    plan = charger_plan(plan_synthetique / "data")
    derniers = plan.statuts_mesures[plan.statuts_mesures["date"].map(lambda d: d.year) == 2024]
    assert {"Réalisée", "En cours"} <= set(derniers["statut"])
    assert len(set(plan.statuts_livrables["statut"])) >= 4


def test_longueurs_et_typographie_des_textes(plan_synthetique):
    plan = charger_plan(plan_synthetique / "data")
    bornes = [
        (plan.mesures["titre"], 80, 200),
        (plan.livrables["livrable"], 40, 160),
        (plan.mesures.loc[plan.mesures["note"] != "", "note"], 100, 300),
        (plan.recommandations["texte"], 200, 800),
    ]
    for textes, minimum, maximum in bornes:
        longueurs = textes.str.len()
        assert longueurs.min() >= minimum and longueurs.max() <= maximum, (minimum, maximum, longueurs.describe())
    tout = "\n".join("\n".join(t) for t, _, _ in bornes)
    for signe in ("é", "œ", "’", "'", "« ", " »", " : ", "%", "$", "\u00a0"):
        assert signe in tout, signe
    assert re.search(r"\d %", tout) and re.search(r"\d\$", tout)  # avec et sans espace : la typographie corrige


def test_meme_graine_memes_octets(tmp_path, plan_synthetique):
    copie = synthetique.generer(tmp_path / "copie", MESURES, graine=0)
    assert _fichiers(copie) == _fichiers(plan_synthetique)


def test_autre_graine_autres_donnees(tmp_path, plan_synthetique):
    autre = synthetique.generer(tmp_path / "autre", MESURES, graine=1)
    for nom in ("mesures.csv", "livrables.csv", "statuts_livrables.csv", "recommandations.yml"):
        assert (autre / "data" / nom).read_bytes() != (plan_synthetique / "data" / nom).read_bytes(), nom


def test_trop_peu_de_mesures(tmp_path):
    with pytest.raises(ValueError, match="Au moins 6 mesures"):
        synthetique.generer(tmp_path, 5)


def test_notebooks_et_parametres(plan_synthetique):
    reels = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in (plan_synthetique / "notebooks").glob("*.ipynb")) == reels
    for nom in reels:
        reel = nbformat.read(NOTEBOOKS / nom, as_version=4)
        genere = nbformat.read(plan_synthetique / "notebooks" / nom, as_version=4)
        nbformat.validate(genere)
        m = re.match(r"\d\d_axe(\d)_", nom)
        if m is None:
            assert (plan_synthetique / "notebooks" / nom).read_bytes() == (NOTEBOOKS / nom).read_bytes()
            continue
        # Mêmes cellules de paramètres, de contexte, de titre et d'en-tête ; puis un seul appel.
        assert [c.source for c in genere.cells[:-1]] == [c.source for c in reel.cells[:4]]
        assert genere.cells[-1].source == f"ctx.fiches({m.group(1)})"
    ctx = Contexte.charger(plan_synthetique / "params" / "2024.yml", plan_synthetique / "data")
    assert ctx.precedente is not None and ctx.precedente.calculee


def test_fiches_d_un_axe_concatene_les_fiches(plan_synthetique):
    """ctx.fiches(n) = les fiches des mesures de l'axe, dans l'ordre, séparées par une ligne vide."""
    for ctx in (Contexte.charger("params/2024.yml"),
                Contexte.charger(plan_synthetique / "params" / "2024.yml", plan_synthetique / "data")):
        vues = []
        for axe in ctx.plan.axes["axe"]:
            mesures = ctx.plan.mesures.loc[ctx.plan.mesures["axe"] == axe].sort_values("ordre")["mesure"].tolist()
            individuelles = [ctx.fiche(m).data for m in mesures]
            assert all(f.endswith("\n") for f in individuelles)
            assert ctx.fiches(int(axe)).data == "\n".join(individuelles)
            vues += re.findall(r"\{#mesure-(\w+) \.mesure\}", ctx.fiches(int(axe)).data)
        assert vues == [m.lower() for m in ctx.plan.mesures["mesure"]]
    with pytest.raises(KeyError, match="Axe inconnu"):
        ctx.fiches(7)
