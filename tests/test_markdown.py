"""Le Markdown de chaque chapitre du livre (ce que reçoivent Quarto et le moteur intégré), lu par
pandoc : titres et tableaux voulus."""

from __future__ import annotations

import json
import re

import nbformat
import pypandoc
import pytest
import yaml

from bilan.assemblage import assembler_dossier
from bilan.donnees import charger_plan


@pytest.fixture(scope="module")
def livre(construction_2024):
    valeurs = yaml.safe_load((construction_2024["dossier"] / "_variables.yml").read_text(encoding="utf-8"))
    return assembler_dossier(construction_2024["dossier"] / "notebooks", valeurs)


def markdown_du_chapitre(livre, nom: str) -> str:
    """Le chapitre du livre Markdown assemblé (bilan.assemblage) qui vient du notebook ``nom``."""
    return next(c.markdown for c in livre.chapitres if c.nom == nom.removesuffix(".ipynb"))


def ast(markdown: str) -> list[dict]:
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))["blocks"]


def blocs(arbre, type_: str):
    """Tous les blocs ou éléments d'un type, à toute profondeur."""
    if isinstance(arbre, dict):
        if arbre.get("t") == type_:
            yield arbre
        for v in arbre.values():
            yield from blocs(v, type_)
    elif isinstance(arbre, list):
        for v in arbre:
            yield from blocs(v, type_)


def titres(arbre) -> list[tuple[int, str]]:
    return [(h["c"][0], h["c"][1][0]) for h in blocs(arbre, "Header")]


def texte(element) -> str:
    """Texte d'un élément : ses Str, et une espace pour chaque Space ou SoftBreak, dans l'ordre."""
    if isinstance(element, dict):
        if element.get("t") == "Str":
            return element["c"]
        if element.get("t") in ("Space", "SoftBreak", "LineBreak"):
            return " "
        return "".join(texte(v) for v in element.values())
    if isinstance(element, list):
        return "".join(texte(v) for v in element)
    return ""


CHAPITRES = [
    "01_presentation.ipynb", "02_introduction.ipynb", "03_bilan.ipynb", "04_axe1_recherche.ipynb",
    "05_axe2_communication.ipynb", "06_axe3_prevention.ipynb", "07_axe4_repression.ipynb",
    "08_axe5_reconstruction.ipynb", "09_axe6_premieres_nations.ipynb", "10_conclusion.ipynb",
    "11_annexe1_recommandations.ipynb", "12_annexe2_comite.ipynb", "13_acronymes.ipynb",
]


@pytest.mark.parametrize("nom", CHAPITRES)
def test_un_seul_titre_de_niveau_1_et_aucune_barre_perdue(livre, nom):
    arbre = ast(markdown_du_chapitre(livre, nom))
    niveaux = [n for n, _ in titres(arbre)]
    assert niveaux.count(1) == 1, niveaux
    assert niveaux[0] == 1
    # Aucun saut de niveau (un H3 suit toujours un H2).
    assert all(b - a <= 1 for a, b in zip(niveaux, niveaux[1:])), niveaux
    for para in list(blocs(arbre, "Para")) + list(blocs(arbre, "Plain")):
        contenu = [s["c"] for s in para["c"] if s["t"] == "Str"]
        assert not (contenu and contenu[0].startswith("|")), f"ligne de tableau non reconnue : {contenu[:8]}"
        assert not any(re.fullmatch(r"\|?:?-{3,}:?\|.*", s) for s in contenu)


@pytest.mark.parametrize("axe,nom", [(i + 1, n) for i, n in enumerate(CHAPITRES[3:9])])
def test_chapitre_d_axe(livre, axe, nom):
    plan = charger_plan()
    mesures = plan.mesures[plan.mesures["axe"] == axe]["mesure"].tolist()
    arbre = ast(markdown_du_chapitre(livre, nom))
    h2 = [ident for n, ident in titres(arbre) if n == 2]
    attendus = [f"mesure-{m.lower()}" for m in mesures]
    if "additionnelle" in mesures:
        attendus.insert(attendus.index("mesure-additionnelle"), "sec-mesure-additionnelle")
    assert h2 == attendus
    h3 = [n for n, _ in titres(arbre) if n == 3]
    assert len(h3) == 3 * len(mesures)
    # Deux vrais tableaux par fiche : organisations et budget, puis livrables.
    assert len(list(blocs(arbre, "Table"))) == 2 * len(mesures)
    etiquettes = [s for s in blocs([b for b in arbre if b["t"] == "Header"], "Span") if "statut" in s["c"][0][1]]
    assert len(etiquettes) == len(mesures)


def test_bilan(livre):
    arbre = ast(markdown_du_chapitre(livre, "03_bilan.ipynb"))
    tableaux = list(blocs(arbre, "Table"))
    assert len(tableaux) == 4  # progression, nombres des deux figures, statut par axe
    figures = list(blocs(arbre, "Figure"))
    assert [f["c"][0][0] for f in figures] == ["fig-statut-mesures", "fig-statut-livrables", "fig-statut-axes"]
    images = list(blocs(figures, "Image"))
    assert len(images) == 3 and all(dict(i["c"][0][2]).get("fig-alt") for i in images)
    assert all(i["c"][2][0].endswith(".svg") for i in images)
    progression = tableaux[0]
    assert "2024" in texte(progression) and "2022" in texte(progression)
    assert "58\u00a0%" in texte(progression) and "92\u00a0%" in texte(progression)


def test_annexe_1(livre):
    arbre = ast(markdown_du_chapitre(livre, "11_annexe1_recommandations.ipynb"))
    ids = [ident for n, ident in titres(arbre) if n == 2]
    assert ids == [f"recommandation-{n}" for n in range(1, 59)]
    liens = [l["c"][2][0] for l in blocs(arbre, "Link")]
    assert "04_axe1_recherche.md#mesure-1" in liens
    assert "08_axe5_reconstruction.md#mesure-additionnelle" in liens


def test_accueil(livre):
    """La page d'accueil : ce qui précède le premier titre du notebook 01 (couverture, notices)."""
    arbre = ast(livre.accueil)
    assert titres(arbre) == []
    classes = {c for d in blocs(arbre, "Div") for c in d["c"][0][1]}
    assert {"couverture", "colophon", "content-visible"} <= classes
    assert livre.chapitres[0].markdown.startswith("# Message du ministre")


def test_acronymes(livre):
    arbre = ast(markdown_du_chapitre(livre, "13_acronymes.ipynb"))
    tableaux = list(blocs(arbre, "Table"))
    assert len(tableaux) == 2
    assert "Ministère de la Sécurité publique" in texte(tableaux[0])
