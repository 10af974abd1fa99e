"""Figures du rapport : barres horizontales sobres, libellés français, couleurs par catégorie.

Les couleurs viennent de ``bilan.rendu.couleurs_statuts()`` (``styles/statuts.yml``, palette
Okabe–Ito, sûre pour les daltoniens) : une catégorie a la même couleur dans toutes les figures.
On utilise l'API objet (``Figure()``) et non l'état global de pyplot : rien ne fuit d'un appel
à l'autre et aucun ``rcParams`` global n'est modifié. La sortie vectorielle (SVG, PDF) dépend
du format choisi à l'enregistrement ; ``svg.fonttype`` vaut ``'path'`` par défaut dans
matplotlib (texte converti en tracés, rendu identique sans la police).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bilan import francais

LARGEUR_POUCES = 6.5  # 16,5 cm : la largeur du texte ; la figure s'imprime à l'échelle 1.
LARGEUR_LIBELLE_AXE = 32  # caractères par ligne des libellés d'axe du plan
LARGEUR_TITRE = 75  # caractères par ligne du titre (gras, 10 pt, sur 16,5 cm)
# Sel fixe des identifiants SVG (clip-path, tracés) : sans lui, matplotlib les tire au hasard.
SEL_SVG = "bilan-pacsesm"


def enregistrer_svg(fig: Figure, destination: str | Path | IO[bytes], **options: Any) -> None:
    """Enregistre ``fig`` en SVG, octet pour octet identique d'une construction à l'autre.

    matplotlib date le fichier (``<dc:date>``) et tire ses identifiants au hasard : chaque
    reconstruction changerait alors toutes les figures sans que rien n'ait changé. Sans date
    et avec un sel fixe (``svg.hashsalt``, le temps de cet appel seulement : ``rc_context``
    ne touche pas aux ``rcParams`` globaux), deux enregistrements donnent les mêmes octets.
    """
    with matplotlib.rc_context({"svg.hashsalt": SEL_SVG}):
        fig.savefig(destination, format="svg", metadata={"Date": None}, **options)


def _verifier_colonnes(table: pd.DataFrame, colonnes: Iterable[str], nom: str) -> None:
    manquantes = [c for c in colonnes if c not in table.columns]
    if manquantes:
        raise ValueError(f"Colonnes manquantes dans « {nom} » : {', '.join(manquantes)}.")
    if table.empty:
        raise ValueError(f"Le tableau « {nom} » est vide : aucune barre à dessiner.")


def _couleurs(categories: Iterable[str]) -> dict[str, str]:
    """Couleur de chaque catégorie, lue à la source unique (styles/statuts.yml)."""
    from bilan.rendu import couleurs_statuts  # import tardif : pas de travail à l'import

    palette = couleurs_statuts()
    inconnues = sorted({c for c in categories if c not in palette})
    if inconnues:
        raise ValueError(
            f"Catégories sans couleur dans styles/statuts.yml : {', '.join(inconnues)}."
        )
    return {c: palette[c] for c in categories}


def _luminance(couleur: str) -> float:
    """Luminance relative WCAG 2."""
    canaux = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(couleur)]
    return 0.2126 * canaux[0] + 0.7152 * canaux[1] + 0.0722 * canaux[2]


def _couleur_texte(fond: str) -> str:
    """Noir ou blanc, celui qui contraste le plus avec le fond (les chiffres dans les segments)."""
    lum = _luminance(fond)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def _texte(texte: str) -> str:
    """Texte affiché par matplotlib : typographie française, ``$`` littéral (pas de mathtext)."""
    return francais.typographie(str(texte), markdown=False).replace("$", r"\$")


def _pourcentage_texte(valeur: object) -> str:
    # Le contrat veut une chaîne déjà française (« 58 % ») ; un entier (58) est toléré et
    # mis en forme ici par bilan.francais plutôt que de s'afficher « 58 » sans symbole.
    if isinstance(valeur, str):
        return valeur
    return francais.pourcentage(int(valeur), 100)  # type: ignore[call-overload]


def _habiller(fig: Figure, ax: Axes, titre: str) -> None:
    """Sobriété commune : pas de cadre haut/droite, graduations entières en français, titre à gauche."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: francais.nombre(int(round(x)))))
    ax.tick_params(axis="y", length=0)
    if titre:
        # Titre de figure (pas d'axes) aligné sur le bord gauche : il dispose de toute la
        # largeur, au lieu de commencer après les libellés de l'axe y ; replié s'il est long.
        fig.suptitle(
            "\n".join(textwrap.wrap(_texte(titre), LARGEUR_TITRE)),
            x=0.01,
            ha="left",
            fontsize="medium",
            fontweight="bold",
        )


def figure_repartition(comptes: pd.DataFrame, titre: str) -> Figure:
    """Barres horizontales, une par ligne de ``comptes`` dans l'ordre donné, étiquetées « 22 (58 %) ».

    ``comptes`` : colonnes ``categorie``, ``libelle``, ``nombre``, ``pourcentage`` (« 58 % »).
    """
    _verifier_colonnes(comptes, ("categorie", "libelle", "nombre", "pourcentage"), "comptes")
    couleurs = _couleurs(comptes["categorie"])
    valeurs = [int(v) for v in comptes["nombre"]]
    n = len(valeurs)

    fig = Figure(figsize=(LARGEUR_POUCES, 0.6 * n + 1), layout="constrained")
    ax = fig.add_subplot()
    positions = list(range(n))
    barres = ax.barh(
        positions, valeurs, height=0.6, color=[couleurs[c] for c in comptes["categorie"]]
    )
    ax.set_yticks(positions, labels=[_texte(l) for l in comptes["libelle"]])
    ax.invert_yaxis()  # première ligne en haut
    etiquettes = [
        _texte(f"{francais.nombre(v)} ({_pourcentage_texte(p)})")
        for v, p in zip(valeurs, comptes["pourcentage"])
    ]
    ax.bar_label(barres, labels=etiquettes, padding=4)
    ax.set_xlim(0, max(max(valeurs), 1) * 1.3)  # place pour les étiquettes au bout des barres
    _habiller(fig, ax, titre)
    # Chaque barre porte sa valeur : l'axe des x n'ajouterait que de l'encre.
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    return fig


def _unique_par(table: pd.DataFrame, cle: str, valeur: str) -> Mapping[object, str]:
    paires = table[[cle, valeur]].drop_duplicates()
    if paires[cle].duplicated().any():
        doublons = sorted(map(str, paires.loc[paires[cle].duplicated(), cle]))
        raise ValueError(f"Plusieurs « {valeur} » pour « {cle} » = {', '.join(doublons)}.")
    return dict(zip(paires[cle], paires[valeur]))


def figure_par_axe(tableau: pd.DataFrame, titre: str) -> Figure:
    """Barres empilées par axe (axe 1 en haut), segments colorés par catégorie, légende dessous.

    ``tableau`` : une ligne par (axe, catégorie) ; colonnes ``axe``, ``libelle_axe``,
    ``categorie``, ``libelle``, ``nombre``. Les catégories s'empilent dans l'ordre où elles
    apparaissent ; le nombre est écrit dans chaque segment non vide.
    """
    colonnes = ("axe", "libelle_axe", "categorie", "libelle", "nombre")
    _verifier_colonnes(tableau, colonnes, "tableau")
    donnees = tableau.assign(axe=tableau["axe"].map(int), nombre=tableau["nombre"].map(int))
    if donnees.duplicated(["axe", "categorie"]).any():
        raise ValueError("Le tableau par axe contient plusieurs lignes pour un même axe et une même catégorie.")
    libelles_axes = _unique_par(donnees, "axe", "libelle_axe")
    libelles_cat = _unique_par(donnees, "categorie", "libelle")
    axes = sorted(libelles_axes)
    categories = list(dict.fromkeys(donnees["categorie"]))
    couleurs = _couleurs(categories)
    largeurs = (
        donnees.pivot(index="axe", columns="categorie", values="nombre")
        .reindex(index=axes, columns=categories)
        .fillna(0)
        .astype(int)
    )

    etiquettes_axes = [
        "\n".join(textwrap.wrap(_texte(libelles_axes[a]), LARGEUR_LIBELLE_AXE)) for a in axes
    ]
    hauteur = sum(max(0.6, 0.2 * (e.count("\n") + 1) + 0.2) for e in etiquettes_axes) + 1.6
    fig = Figure(figsize=(LARGEUR_POUCES, hauteur), layout="constrained")
    ax = fig.add_subplot()
    positions = list(range(len(axes)))
    gauche = [0] * len(axes)
    for categorie in categories:
        valeurs = largeurs[categorie].tolist()
        barres = ax.barh(
            positions,
            valeurs,
            left=gauche,
            height=0.6,
            color=couleurs[categorie],
            edgecolor="white",  # sépare les segments voisins sans dépendre de la couleur seule
            linewidth=0.8,
            label=_texte(libelles_cat[categorie]),
        )
        ax.bar_label(
            barres,
            labels=[francais.nombre(v) if v >= 1 else "" for v in valeurs],
            label_type="center",
            color=_couleur_texte(couleurs[categorie]),
        )
        gauche = [g + v for g, v in zip(gauche, valeurs)]
    ax.set_yticks(positions, labels=etiquettes_axes)
    ax.invert_yaxis()  # axe 1 en haut
    ax.set_xlim(0, max(max(gauche), 1) * 1.03)
    _habiller(fig, ax, titre)
    fig.legend(
        loc="outside lower center",
        ncols=len(categories) if len(categories) <= 4 else 3,
        frameon=False,
    )
    return fig
