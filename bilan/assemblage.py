"""Le livre Markdown du rapport, assemblé une fois à partir des notebooks exécutés.

C'est la source unique des deux moteurs de rendu (Quarto et le moteur intégré,
``bilan.integre``) : ce qu'un test vérifie sur l'un vaut pour l'autre.

Pour chaque notebook exécuté, dans l'ordre : le Markdown des cellules de texte (récit des
rédacteurs) et les sorties Markdown des cellules de code (fiches, tableaux, figures), les
shortcodes ``{{< var … >}}`` remplacés par leur valeur (``bilan.texte.remplacer_variables``),
puis **une seule passe de typographie française** (``bilan.francais.typographie``) sur tout
le texte : les rédacteurs tapent des espaces ordinaires. Le texte des données arrive déjà
échappé (``bilan.markdown``) ; la typographie est idempotente.

Le livre écrit dans un dossier (:func:`ecrire_livre`) :

- ``index.md`` : la page d'accueil, c'est-à-dire ce qui précède le premier titre de niveau 1
  du premier notebook (couverture et notices) ; en PDF, ces pages ouvrent le document ;
- ``<notebook>.md`` : un fichier par chapitre, qui commence par son titre de niveau 1 ;
- ``figures/`` : les figures SVG produites par les notebooks.

Un contenu placé avant le premier titre d'un autre chapitre serait déplacé par Quarto sous ce
titre (il fait du premier titre celui du chapitre) : c'est refusé avec un message qui nomme
le notebook et la cellule.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilan.francais import typographie
from bilan.texte import Bloc, blocs_notebook

#: Titre (front matter) de la page d'accueil ; le filtre Typst retire ce titre du PDF.
TITRE_ACCUEIL = "Accueil"

_TITRE_1 = re.compile(r"^#(?!#)[ \t]+(?P<texte>.*?)[ \t]*(?:\{(?P<attributs>[^{}]*)\})?[ \t]*$", re.MULTILINE)
_CLOTURE = re.compile(r"^(`{3,}|~{3,})", re.MULTILINE)


class AssemblageImpossible(ValueError):
    """Un notebook ne peut pas devenir un chapitre (titre manquant, contenu avant le titre)."""


@dataclass(frozen=True)
class Chapitre:
    """Un chapitre du livre : le Markdown d'un notebook, qui commence par son titre."""

    nom: str  # nom du notebook sans extension (« 04_axe1_recherche »), nom du fichier .md
    titre: str  # texte Markdown du titre de niveau 1
    ident: str  # identifiant de ce titre (« sec-axe-1 »), cible des liens vers le chapitre
    markdown: str

    @property
    def fichier(self) -> str:
        return f"{self.nom}.md"


@dataclass(frozen=True)
class Livre:
    """La page d'accueil et les chapitres, dans l'ordre du rapport."""

    accueil: str
    chapitres: tuple[Chapitre, ...]


def _premier_titre(markdown: str) -> re.Match[str] | None:
    """Le premier titre ATX de niveau 1 hors des blocs de code clôturés."""
    dans_code = False
    position = 0
    for ligne in markdown.splitlines(keepends=True):
        if _CLOTURE.match(ligne):
            dans_code = not dans_code
        elif not dans_code and (m := _TITRE_1.match(ligne)):
            return _TITRE_1.match(markdown, position)
        position += len(ligne)
    return None


def _ident(attributs: str | None) -> str:
    m = re.search(r"(?:^|\s)#([\w:.-]+)", attributs or "")
    return m.group(1) if m else ""


def chapitre(nom: str, blocs: Sequence[Bloc], premier: bool) -> tuple[str, Chapitre]:
    """Découpe les blocs d'un notebook en (Markdown d'accueil, chapitre).

    Le Markdown d'accueil (avant le premier titre de niveau 1) n'est permis que dans le premier
    notebook ; il est vide pour les autres.
    """
    avant: list[str] = []
    reste: list[str] = []
    titre = None
    for bloc in blocs:
        texte = typographie(bloc.markdown.strip("\n"))
        if not texte.strip():
            continue
        if titre is None:
            m = _premier_titre(texte)
            if m is None:
                if not premier:
                    raise AssemblageImpossible(
                        f"notebooks/{nom}.ipynb, cellule « {bloc.cellule} » : du contenu précède le titre de niveau 1 "
                        "du chapitre (« # Titre {#ident} ») ; seul le premier notebook peut en avoir (page d'accueil).")
                avant.append(texte)
                continue
            titre = m
            debut = texte[:m.start()].strip()
            if debut:
                if not premier:
                    raise AssemblageImpossible(
                        f"notebooks/{nom}.ipynb, cellule « {bloc.cellule} » : du texte précède le titre de niveau 1 du chapitre.")
                avant.append(debut)
            reste.append(texte[m.start():])
        else:
            reste.append(texte)
    if titre is None:
        raise AssemblageImpossible(f"notebooks/{nom}.ipynb : aucun titre de niveau 1 (« # Titre {{#ident}} ») pour ouvrir le chapitre.")
    ident = _ident(titre.group("attributs"))
    if not ident:
        raise AssemblageImpossible(
            f"notebooks/{nom}.ipynb : le titre « {titre.group('texte')} » n'a pas d'identifiant "
            "(« {#sec-…} ») ; les liens vers le chapitre en ont besoin.")
    return "\n\n".join(avant), Chapitre(nom, titre.group("texte"), ident, "\n\n".join(reste) + "\n")


def ajouter_notes(livre: Livre, notes: Mapping[str, str]) -> Livre:
    """Le livre avec une note (Markdown) juste après le titre de certains chapitres (``{nom: note}``) :
    notes de relecture d'une version de travail (``bilan.relecture``)."""
    chapitres = []
    for chap in livre.chapitres:
        note = notes.get(chap.nom)
        if note:
            titre, _, reste = chap.markdown.partition("\n")
            chap = Chapitre(chap.nom, chap.titre, chap.ident, f"{titre}\n\n{typographie(note)}\n\n{reste.lstrip()}")
        chapitres.append(chap)
    return Livre(livre.accueil, tuple(chapitres))


def assembler(notebooks: Sequence[Mapping[str, Any]], noms: Sequence[str], variables: Mapping[str, Any]) -> Livre:
    """Le livre à partir des notebooks exécutés (dictionnaires nbformat) et de leurs noms."""
    accueil = ""
    chapitres = []
    for i, (nb, nom) in enumerate(zip(notebooks, noms)):
        avant, chap = chapitre(nom, blocs_notebook(nb, variables, f"{nom}.ipynb"), premier=(i == 0))
        if i == 0:
            accueil = avant
        chapitres.append(chap)
    return Livre(accueil, tuple(chapitres))


def assembler_dossier(dossier_notebooks: Path, variables: Mapping[str, Any], noms: Sequence[str] | None = None) -> Livre:
    """Le livre à partir des notebooks exécutés d'un dossier (tous, dans l'ordre, ou ``noms``)."""
    import nbformat

    chemins = ([Path(dossier_notebooks) / f"{n}.ipynb" for n in noms] if noms is not None
               else sorted(Path(dossier_notebooks).glob("[0-9][0-9]_*.ipynb")))
    return assembler([nbformat.read(c, as_version=4) for c in chemins], [c.stem for c in chemins], variables)


def ecrire_livre(livre: Livre, dossier: Path, figures: Path | None = None) -> list[Path]:
    """Écrit ``index.md``, un ``<chapitre>.md`` par chapitre et copie ``figures/`` ; renvoie les fichiers .md."""
    dossier.mkdir(parents=True, exist_ok=True)
    index = dossier / "index.md"
    index.write_text(f'---\ntitle: "{TITRE_ACCUEIL}"\n---\n\n{livre.accueil}\n', encoding="utf-8")
    ecrits = [index]
    for chap in livre.chapitres:
        chemin = dossier / chap.fichier
        chemin.write_text(chap.markdown, encoding="utf-8")
        ecrits.append(chemin)
    if figures is not None and Path(figures).exists():
        shutil.copytree(figures, dossier / "figures", dirs_exist_ok=True)
    return ecrits
