"""Le récit à revoir pour une nouvelle édition : ce que les rédacteurs doivent relire.

Chaque notebook de chapitre note, dans ses métadonnées, l'édition pour laquelle son récit a
été révisé (``metadata.bilan.revise_pour``, par ex. « 2024 »). Pour une autre édition, le
chapitre est « à revoir » : son texte narratif a été écrit pour d'autres chiffres. Les nombres
calculés (``{{< var … >}}``, fiches, tableaux) se mettent à jour seuls ; le texte saisi, non.
Ce module relève, cellule par cellule et ligne par ligne, les mots saisis qui ressemblent à des
données : pourcentages, montants, nombres et années, et les expressions qui en dépendent
(« plus de la moitié », « le tiers », « 56 des 58 », « il y a deux ans »…).

- une construction d'une autre édition affiche cette liste dans son journal ;
- dans une version de travail (``etat: brouillon``), une note de relecture ouvre chaque
  chapitre à revoir, en HTML comme en PDF ;
- une version finale (``etat: final``) refuse de se construire tant qu'un chapitre est à revoir.

Un chapitre est marqué révisé par ``python -m bilan relecture params/AAAA.yml --marquer
notebooks/NN_….ipynb`` (ou en éditant ses métadonnées dans Jupyter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from bilan.markdown import texte

#: Clé des métadonnées du notebook (``metadata.bilan.revise_pour``).
CLE = "revise_pour"

# Passages à ne pas lire comme du texte : shortcodes, attributs, cibles de liens, commentaires,
# code, appels de note (« [^1] »), exposants d'ordinaux (« 1^er^ » reste un nombre : « 1 »).
_IGNORES = re.compile(r"\{\{<.*?>\}\}|\{[^{}\n]*\}|\]\([^()\s]*\)|<!--.*?-->|`[^`\n]*`|\[\^[^\]\s]*\]", re.DOTALL)
_ESP = r"[ \u00a0\u202f]"
_MOTIFS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("montant", re.compile(rf"\d[\d{_ESP[1:-1]}]*(?:,\d+)?{_ESP}*(?:\\?\$|[kM]\\?\$|(?:millions?|milliards?) de dollars)")),
    ("pourcentage", re.compile(rf"\d+(?:,\d+)?{_ESP}*%")),
    ("proportion", re.compile(rf"\b\d+{_ESP}+(?:des|sur){_ESP}+\d+\b")),
    ("expression", re.compile(
        r"\b(?:plus|moins) de la moitié\b|\bla moitié\b|\ble tiers\b|\bles deux tiers\b|\ble quart\b|"
        r"\bla (?:grande )?majorité\b|\bla totalité\b|\bla plupart\b|\bil y a (?:un|deux|trois|quatre|cinq|\d+) ans?\b|"
        r"\bl[’']an dernier\b|\bl[’']année dernière\b|\bcette année\b|\bà ce jour\b", re.IGNORECASE)),
    ("nombre", re.compile(rf"\b\d+(?:{_ESP}\d{{3}})*(?:,\d+)?\b")),
)


@dataclass(frozen=True)
class Passage:
    """Des mots saisis qui ressemblent à des données, et où ils sont."""

    cellule: str
    ligne: int  # dans la cellule, à partir de 1
    extrait: str
    genre: str  # montant, pourcentage, proportion, expression, nombre
    colonne: int = 0  # position dans la ligne, à partir de 0


@dataclass(frozen=True)
class ChapitreARevoir:
    """Un chapitre dont le récit n'a pas été révisé pour l'édition construite."""

    nom: str  # nom du notebook sans extension
    revise_pour: str | None
    passages: tuple[Passage, ...] = field(default=())

    def decrire(self, edition: str) -> str:
        """Quelques lignes pour le journal de la construction."""
        pour = f"révisé pour {self.revise_pour}" if self.revise_pour else "jamais marqué révisé"
        lignes = [f"notebooks/{self.nom}.ipynb : récit {pour}, pas pour {edition} — "
                  f"{len(self.passages)} passage(s) saisi(s) qui ressemblent à des données :"]
        for cellule, passages in _par_cellule(self.passages):
            extraits = " ; ".join(f"« {p.extrait} » (l. {p.ligne})" for p in passages)
            lignes.append(f"    cellule « {cellule} » : {extraits}")
        return "\n".join(lignes)


def _par_cellule(passages: Sequence[Passage]) -> list[tuple[str, list[Passage]]]:
    groupes: dict[str, list[Passage]] = {}
    for p in passages:
        groupes.setdefault(p.cellule, []).append(p)
    return list(groupes.items())


def revise_pour(nb: nbformat.NotebookNode) -> str | None:
    """L'édition pour laquelle le récit du notebook a été révisé (métadonnées), ou None."""
    valeur = (nb.metadata.get("bilan") or {}).get(CLE)
    return str(valeur) if valeur is not None else None


def passages(source: str, cellule: str) -> list[Passage]:
    """Les passages d'une cellule Markdown qui ressemblent à des données, dans l'ordre."""
    trouves: list[Passage] = []
    for numero, ligne in enumerate(source.splitlines(), start=1):
        if re.match(r"^\s*#", ligne):  # titres : noms de sections, pas des données
            continue
        visible = _IGNORES.sub(lambda m: " " * len(m.group(0)), ligne)
        visible = re.sub(r"\^\w+\^", lambda m: " " * len(m.group(0)), visible)
        pris = [False] * len(visible)
        for genre, motif in _MOTIFS:
            for m in motif.finditer(visible):
                if any(pris[m.start():m.end()]):
                    continue
                for i in range(m.start(), m.end()):
                    pris[i] = True
                extrait = re.sub(r"\\(.)", r"\1", m.group(0))  # « 6 M\$ » saisi : « 6 M$ » lu
                trouves.append(Passage(cellule, numero, extrait.replace("\u00a0", " ").replace("\u202f", " "), genre,
                                       m.start()))
    return sorted(trouves, key=lambda p: (p.ligne, p.colonne))


def chapitres_a_revoir(sources: Sequence[Path], edition: str) -> list[ChapitreARevoir]:
    """Les chapitres dont le récit n'a pas été révisé pour ``edition``, avec leurs passages."""
    resultat = []
    for chemin in sources:
        nb = nbformat.read(chemin, as_version=4)
        pour = revise_pour(nb)
        if pour == str(edition):
            continue
        trouves: list[Passage] = []
        for i, c in enumerate(nb.cells, start=1):
            if c.cell_type == "markdown":
                trouves += passages(c.source, str(c.get("id") or f"cellule-{i}"))
        resultat.append(ChapitreARevoir(Path(chemin).stem, pour, tuple(trouves)))
    return resultat


def note_de_relecture(chapitre: ChapitreARevoir, edition: str) -> str:
    """La note (Markdown) qui ouvre un chapitre à revoir dans une version de travail."""
    pour = f"pour l'édition {chapitre.revise_pour}" if chapitre.revise_pour else "pour aucune édition"
    lignes = [
        "::: {.relecture}",
        texte(f"Note de relecture (version de travail) : le texte de ce chapitre a été révisé {pour}, "
              f"pas pour l'édition {edition}. Passages saisis qui ressemblent à des données, à vérifier :"),
        "",
    ]
    for cellule, ps in _par_cellule(chapitre.passages):
        extraits = " ; ".join(f"« {texte(p.extrait)} »" for p in ps)
        lignes.append(f"- {texte(f'cellule « {cellule} » :')} {extraits}")
    if not chapitre.passages:
        lignes.append(texte("Aucun nombre ni aucune expression de ce genre : relire tout de même le récit."))
    lignes.append(":::")
    return "\n".join(lignes)


def marquer(chemin: Path, edition: str) -> None:
    """Note dans le notebook que son récit est révisé pour ``edition`` (métadonnées seulement)."""
    nb = nbformat.read(chemin, as_version=4)
    nb.metadata.setdefault("bilan", {})[CLE] = str(edition)
    nbformat.write(nb, chemin)
