"""Tests de bilan.figures : couleurs de la source unique, longueurs, libellés français, SVG."""

from __future__ import annotations

import importlib
import importlib.util
import io
import subprocess
import sys
import types
import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from bilan import figures
from bilan.francais import NBSP

RACINE = Path(__file__).resolve().parents[1]

# Palette documentée de styles/statuts.yml, utilisée seulement tant que bilan/rendu.py n'existe
# pas encore ; dès qu'il existe, les tests comparent à SA fonction couleurs_statuts().
_PALETTE_PROVISOIRE = {
    "realise": "#009E73",
    "realise_en_partie": "#56B4E9",
    "en_cours": "#E69F00",
    "a_faire": "#999999",
    "inconnu": "#CC79A7",
}


@pytest.fixture
def couleurs(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Couleurs attendues : celles de bilan.rendu.couleurs_statuts() (module réel s'il existe)."""
    if importlib.util.find_spec("bilan.rendu") is None:
        faux = types.ModuleType("bilan.rendu")
        faux.couleurs_statuts = lambda: dict(_PALETTE_PROVISOIRE)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "bilan.rendu", faux)
    rendu = importlib.import_module("bilan.rendu")
    return rendu.couleurs_statuts()


@pytest.fixture
def comptes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "categorie": ["realise", "en_cours", "a_faire"],
            "libelle": ["Réalisées", "En cours", "À réaliser"],
            "nombre": [22, 14, 2],
            "pourcentage": [f"58{NBSP}%", f"37{NBSP}%", f"5{NBSP}%"],
        }
    )


@pytest.fixture
def tableau() -> pd.DataFrame:
    lignes = [
        (1, "Gouvernance et concertation", "realise", "Réalisées", 3),
        (1, "Gouvernance et concertation", "en_cours", "En cours", 1),
        (1, "Gouvernance et concertation", "a_faire", "À réaliser", 0),
        (2, "Sensibilisation, communication et transfert des connaissances", "realise", "Réalisées", 5),
        (2, "Sensibilisation, communication et transfert des connaissances", "en_cours", "En cours", 2),
        (2, "Sensibilisation, communication et transfert des connaissances", "a_faire", "À réaliser", 1),
        (3, "Prévention", "realise", "Réalisées", 0),
        (3, "Prévention", "en_cours", "En cours", 4),
        (3, "Prévention", "a_faire", "À réaliser", 0),
    ]
    return pd.DataFrame(lignes, columns=["axe", "libelle_axe", "categorie", "libelle", "nombre"])


def _textes(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


# --- figure_repartition ------------------------------------------------------------------


def test_repartition_couleurs_de_la_source_unique(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    fig = figures.figure_repartition(comptes, "Statut de mise en œuvre des mesures")
    barres = fig.axes[0].patches
    assert len(barres) == len(comptes)
    for barre, categorie in zip(barres, comptes["categorie"]):
        assert barre.get_facecolor() == pytest.approx(to_rgba(couleurs[categorie]))


def test_repartition_longueurs_et_ordre(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    fig = figures.figure_repartition(comptes, "")
    ax = fig.axes[0]
    assert [b.get_width() for b in ax.patches] == [22, 14, 2]
    # première ligne en haut : l'axe y est inversé, la barre 0 a la plus petite ordonnée
    assert ax.yaxis_inverted()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Réalisées", "En cours", "À réaliser"]


def test_repartition_etiquettes_francaises(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    fig = figures.figure_repartition(comptes, "Statut : mesures")
    assert _textes(fig) == [f"22 (58{NBSP}%)", f"14 (37{NBSP}%)", f"2 (5{NBSP}%)"]
    assert fig.get_suptitle() == f"Statut{NBSP}: mesures"


def test_repartition_milliers_et_pourcentage_entier(couleurs: dict[str, str]) -> None:
    comptes = pd.DataFrame(
        {"categorie": ["realise"], "libelle": ["Réalisés"], "nombre": [12000], "pourcentage": [58]}
    )
    fig = figures.figure_repartition(comptes, "")
    assert _textes(fig) == [f"12{NBSP}000 (58{NBSP}%)"]


def test_repartition_taille(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    largeur, hauteur = figures.figure_repartition(comptes, "").get_size_inches()
    assert largeur == pytest.approx(6.5)
    assert hauteur == pytest.approx(0.6 * 3 + 1)


def test_repartition_sans_cadre_haut_droite(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    ax = figures.figure_repartition(comptes, "").axes[0]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()


def test_dollar_litteral_dans_les_titres(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    """Deux « $ » ne doivent pas déclencher le mode mathématique de matplotlib."""
    fig = figures.figure_repartition(comptes, "Budget : 50 000 $ sur 148,8 M$")
    assert fig.get_suptitle() == rf"Budget{NBSP}: 50 000{NBSP}\$ sur 148,8{NBSP}M\$"
    fig.savefig(io.BytesIO(), format="svg")


def test_categorie_sans_couleur(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    comptes.loc[0, "categorie"] = "perdue"
    with pytest.raises(ValueError, match="perdue"):
        figures.figure_repartition(comptes, "")


def test_colonne_manquante(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="pourcentage"):
        figures.figure_repartition(comptes.drop(columns="pourcentage"), "")


# --- figure_par_axe ----------------------------------------------------------------------


def test_par_axe_totaux_egaux_aux_sommes(tableau: pd.DataFrame, couleurs: dict[str, str]) -> None:
    fig = figures.figure_par_axe(tableau, "Statut des mesures par axe")
    ax = fig.axes[0]
    totaux: dict[float, float] = {}
    for barre in ax.patches:
        y = round(barre.get_y() + barre.get_height() / 2, 6)
        totaux[y] = totaux.get(y, 0) + barre.get_width()
    attendus = tableau.groupby("axe")["nombre"].sum().tolist()  # axes 1, 2, 3
    assert [totaux[y] for y in sorted(totaux)] == attendus  # y = 0, 1, 2 → axe 1 en haut
    assert ax.yaxis_inverted()


def test_par_axe_segments_contigus_et_colores(tableau: pd.DataFrame, couleurs: dict[str, str]) -> None:
    ax = figures.figure_par_axe(tableau, "").axes[0]
    # 3 catégories × 3 axes, dans l'ordre d'apparition des catégories
    assert len(ax.patches) == 9
    for i, categorie in enumerate(["realise", "en_cours", "a_faire"]):
        for barre in ax.patches[3 * i : 3 * i + 3]:
            assert barre.get_facecolor() == pytest.approx(to_rgba(couleurs[categorie]))
    # axe 2 : segments 5, 2, 1 posés bout à bout
    axe2 = [b for b in ax.patches if round(b.get_y() + b.get_height() / 2) == 1]
    assert [(b.get_x(), b.get_width()) for b in axe2] == [(0, 5), (5, 2), (7, 1)]


def test_par_axe_nombres_dans_les_segments_non_vides(tableau: pd.DataFrame, couleurs: dict[str, str]) -> None:
    textes = [t for t in _textes(figures.figure_par_axe(tableau, "")) if t]
    non_vides = [str(n) for n in tableau["nombre"] if n >= 1]
    assert sorted(textes) == sorted(non_vides)
    assert "0" not in textes


def test_par_axe_legende_francaise(tableau: pd.DataFrame, couleurs: dict[str, str]) -> None:
    fig = figures.figure_par_axe(tableau, "")
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Réalisées", "En cours", "À réaliser"]


def test_par_axe_libelles_replies_dans_l_ordre(tableau: pd.DataFrame, couleurs: dict[str, str]) -> None:
    ax = figures.figure_par_axe(tableau, "").axes[0]
    libelles = [t.get_text() for t in ax.get_yticklabels()]
    assert libelles[0] == "Gouvernance et concertation"
    assert "\n" in libelles[1] and libelles[1].replace("\n", " ") == (
        "Sensibilisation, communication et transfert des connaissances"
    )
    assert libelles[2] == "Prévention"


def test_par_axe_ordre_des_lignes_sans_importance(tableau: pd.DataFrame, couleurs: dict[str, str]) -> None:
    melange = tableau.sample(frac=1, random_state=3).sort_values("categorie", key=lambda s: s.map(
        {"realise": 0, "en_cours": 1, "a_faire": 2}), kind="stable")
    ax = figures.figure_par_axe(melange, "").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Gouvernance et concertation"


def test_par_axe_doublon_refuse(tableau: pd.DataFrame, couleurs: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="même axe"):
        figures.figure_par_axe(pd.concat([tableau, tableau.head(1)]), "")


# --- Sortie vectorielle, isolement -------------------------------------------------------


@pytest.mark.parametrize("fabrique", ["repartition", "par_axe"])
def test_svg_texte_en_traces(
    fabrique: str, comptes: pd.DataFrame, tableau: pd.DataFrame, couleurs: dict[str, str]
) -> None:
    fig = (
        figures.figure_repartition(comptes, "Statut : mesures")
        if fabrique == "repartition"
        else figures.figure_par_axe(tableau, "Statut des mesures par axe")
    )
    tampon = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # un glyphe manquant (U+00A0…) ferait échouer
        with matplotlib.rc_context({"svg.fonttype": "path"}):
            fig.savefig(tampon, format="svg")
    svg = tampon.getvalue()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<text" not in svg


def test_pdf_vectoriel(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    tampon = io.BytesIO()
    figures.figure_repartition(comptes, "").savefig(tampon, format="pdf")
    assert tampon.getvalue().startswith(b"%PDF")


def test_aucun_rcparams_global_modifie(
    comptes: pd.DataFrame, tableau: pd.DataFrame, couleurs: dict[str, str]
) -> None:
    avant = dict(matplotlib.rcParams)
    figures.figure_repartition(comptes, "x").savefig(io.BytesIO(), format="svg")
    figures.figure_par_axe(tableau, "y").savefig(io.BytesIO(), format="svg")
    assert dict(matplotlib.rcParams) == avant


def test_appels_independants(comptes: pd.DataFrame, couleurs: dict[str, str]) -> None:
    a = figures.figure_repartition(comptes, "")
    b = figures.figure_repartition(comptes.head(1), "")
    assert a is not b and len(a.axes[0].patches) == 3 and len(b.axes[0].patches) == 1


def test_import_sans_pyplot_ni_travail() -> None:
    code = (
        "import sys, bilan.figures; "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot importé'; "
        "assert 'bilan.rendu' not in sys.modules, 'rendu importé à l import'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=RACINE, check=True)


def test_svg_identique_d_un_enregistrement_a_l_autre(comptes, tableau) -> None:
    """Même figure, mêmes octets : ni date ni identifiants tirés au hasard (reconstructions stables)."""
    rc_avant = dict(matplotlib.rcParams)
    for fabriquer in (lambda: figures.figure_repartition(comptes, "Statut"), lambda: figures.figure_par_axe(tableau, "Axes")):
        fig = fabriquer()
        premier, second, autre = io.BytesIO(), io.BytesIO(), io.BytesIO()
        figures.enregistrer_svg(fig, premier, bbox_inches="tight")
        figures.enregistrer_svg(fig, second, bbox_inches="tight")
        figures.enregistrer_svg(fabriquer(), autre, bbox_inches="tight")  # figure refaite à neuf
        assert premier.getvalue() == second.getvalue() == autre.getvalue()
        svg = premier.getvalue().decode("utf-8")
        assert "<dc:date>" not in svg and "clip-path=" in svg
    assert dict(matplotlib.rcParams) == rc_avant  # aucun réglage global modifié


def test_svg_sur_disque_identique(comptes, tmp_path) -> None:
    chemins = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for chemin in chemins:
        figures.enregistrer_svg(figures.figure_repartition(comptes, ""), chemin, bbox_inches="tight")
    assert chemins[0].read_bytes() == chemins[1].read_bytes()


def test_figures_de_la_construction_enregistrees_sans_date(construction_2024) -> None:
    """Les notebooks passent par enregistrer_svg (Contexte._figure) : aucune figure datée."""
    svgs = sorted((construction_2024["dossier"] / "notebooks" / "figures").glob("*.svg"))
    assert len(svgs) >= 3
    assert [s.name for s in svgs if b"<dc:date>" in s.read_bytes()] == []
