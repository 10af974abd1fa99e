"""Texte d'un rapport, publié ou construit, ramené à une suite de mots comparable.

Sert au test de fidélité (``tests/test_fidelite.py``) : le texte de chaque section du rapport
construit doit être celui du rapport publié, une fois l'espacement et l'écriture des nombres
normalisés.

Trois étapes :

1. **Texte construit** (:func:`markdown_notebook`, :func:`texte_brut_notebook`) : les cellules
   d'un notebook exécuté, dans l'ordre — le Markdown des cellules de texte (shortcodes
   ``{{< var … >}}`` remplacés par leur valeur de ``_variables.yml``) et les sorties
   ``text/markdown`` des cellules de code —, converties en texte brut par pandoc
   (``-f markdown -t plain --wrap=none``). Deux gestes de Quarto que pandoc seul ne fait pas
   sont imités avant la conversion : une figure ``![légende](…){…}`` est remplacée par sa
   légende, et la légende d'un tableau (``: légende {#tbl-…}``) est placée au-dessus de lui,
   sans l'identifiant de renvoi. Les filets de tableau (lignes de tirets) sont retirés après.
2. **Texte publié** (:func:`decouper_publie`) : le texte du rapport publié découpé selon ses
   sections (:data:`SECTIONS`), chacune rattachée au notebook qui la produit ; la table des
   matières imprimée est sautée (Quarto la génère).
3. **Normalisation** (:func:`normaliser`), identique des deux côtés et minimale : espaces
   (y compris insécables, fines et tabulations), ``\\$``, exposants (``1^{er}``, ``1^er^``,
   ``1^(er)``, ``n ^{os}``), apostrophes typographiques, marques d'emphase ``*``/``**`` et
   balises ``<p>``/``<i>``, séparateurs de milliers. Rien d'autre : ni mot ni signe de
   ponctuation n'est retiré ou changé.

La comparaison (:func:`comparer`) aligne les mots d'une section avec
``difflib.SequenceMatcher`` ; chaque bloc non identique est un :class:`Ecart`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# --- Sections du rapport publié ------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """Une section du rapport publié et le notebook qui la produit.

    ``cle`` est le nom du notebook sans extension (« 04_axe1_recherche ») ; ``entete`` est la
    ligne de titre qui ouvre la section dans le texte publié (``None`` : début du texte).
    """

    cle: str
    titre: str
    entete: str | None

    @property
    def notebook(self) -> str:
        """Nom du fichier notebook (« 04_axe1_recherche.ipynb »)."""
        return f"{self.cle}.ipynb"


SECTIONS: tuple[Section, ...] = (
    Section("01_presentation", "Couverture, notices et message du ministre", None),
    Section("02_introduction", "Introduction", "INTRODUCTION"),
    Section("03_bilan", "Bilan de mise en œuvre", "BILAN DE MISE EN ŒUVRE"),
    Section("04_axe1_recherche", "Axe 1 – En matière de recherche", "EN MATIÈRE DE RECHERCHE"),
    Section("05_axe2_communication", "Axe 2 – En matière de communication et de sensibilisation",
            "EN MATIÈRE DE COMMUNICATION ET DE SENSIBILISATION"),
    Section("06_axe3_prevention", "Axe 3 – En matière de prévention et de formation",
            "EN MATIÈRE DE PRÉVENTION ET DE FORMATION"),
    Section("07_axe4_repression", "Axe 4 – En matière de répression", "EN MATIÈRE DE RÉPRESSION"),
    Section("08_axe5_reconstruction", "Axe 5 – En matière de reconstruction et de réhabilitation (et mesure additionnelle)",
            "EN MATIÈRE DE RECONSTRUCTION ET DE RÉHABILITATION"),
    Section("09_axe6_premieres_nations", "Axe 6 – Mesures spécifiques aux Premières Nations et aux Inuit",
            "MESURES SPÉCIFIQUES AUX PREMIÈRES NATIONS ET AUX INUIT"),
    Section("10_conclusion", "Conclusion", "CONCLUSION"),
    Section("11_annexe1_recommandations", "Annexe 1 – Recommandations de la Commission",
            "ANNEXE 1 – Liste des recommandations mises de l'avant par la Commission spéciale sur l'exploitation sexuelle des mineurs"),
    Section("12_annexe2_comite", "Annexe 2 – Membres du comité interministériel",
            "ANNEXE 2 – Membres du comité interministériel constitué en 2020"),
    Section("13_acronymes", "Liste des acronymes", "LISTE DES ACRONYMES"),
)

#: Ligne qui ouvre la table des matières imprimée, sautée jusqu'à la section suivante.
TABLE_DES_MATIERES = "TABLE DES MATIÈRES"

_APPEL_DE_NOTE = "¹²³⁴⁵⁶⁷⁸⁹⁰"


class DecoupageImpossible(ValueError):
    """Le texte publié ne contient pas les titres de section attendus, ou pas dans l'ordre."""


def _ligne_de_titre(ligne: str) -> str:
    """Une ligne comparable à un titre : apostrophes droites, sans appel de note final."""
    return ligne.strip().replace("\u2019", "'").rstrip(_APPEL_DE_NOTE)


def decouper_publie(texte: str, sections: Sequence[Section] = SECTIONS) -> dict[str, str]:
    """Le texte publié découpé en sections : ``{cle: texte de la section, titre compris}``.

    Un titre est une ligne entière égale à l'``entete`` de la section (apostrophes
    typographiques et appel de note final admis) ; les lignes de la table des matières
    (titre, tabulation, page) ne sont donc pas prises pour des titres. La table des matières
    (de :data:`TABLE_DES_MATIERES` jusqu'au titre suivant) est écartée. Lève
    :class:`DecoupageImpossible` si un titre manque ou si l'ordre n'est pas celui de ``sections``.
    """
    entetes = {s.entete: s.cle for s in sections if s.entete is not None}
    ordre = [s.cle for s in sections]
    morceaux: dict[str, list[str]] = {ordre[0]: []}
    courant: str | None = ordre[0]
    for ligne in texte.splitlines():
        titre = _ligne_de_titre(ligne)
        if titre in entetes:
            courant = entetes[titre]
            if courant in morceaux:
                raise DecoupageImpossible(f"Titre de section répété dans le texte publié : « {titre} ».")
            morceaux[courant] = []
        elif titre == TABLE_DES_MATIERES:
            courant = None
        if courant is not None:
            morceaux[courant].append(ligne)
    manquantes = [s.entete for s in sections if s.cle not in morceaux]
    if manquantes:
        raise DecoupageImpossible("Titres de section absents du texte publié : " + " ; ".join(f"« {m} »" for m in manquantes))
    if list(morceaux) != ordre:
        raise DecoupageImpossible("Sections du texte publié dans un ordre inattendu : " + ", ".join(morceaux))
    return {cle: "\n".join(lignes) for cle, lignes in morceaux.items()}


# --- Texte construit --------------------------------------------------------------------------

_VAR = re.compile(r"\{\{<\s*var\s+([^\s>]+)\s*>\}\}")


class VariableInconnue(KeyError):
    """Un shortcode ``{{< var nom >}}`` nomme une variable absente de ``_variables.yml``."""

    def __init__(self, nom: str, ou: str = "") -> None:
        super().__init__(nom)
        self.nom = nom
        self.ou = ou

    def __str__(self) -> str:
        lieu = f" ({self.ou})" if self.ou else ""
        return f"Variable inconnue « {self.nom} »{lieu} : absente de _variables.yml."


def valeur_variable(variables: Mapping[str, Any], nom: str) -> str:
    """La valeur de ``nom`` (« mesures.realise.pourcentage ») dans l'arbre ``variables``.

    Lève :class:`VariableInconnue` si le chemin n'existe pas ou ne mène pas à une valeur simple.
    """
    valeur: Any = variables
    for partie in nom.split("."):
        if not isinstance(valeur, Mapping) or partie not in valeur:
            raise VariableInconnue(nom)
        valeur = valeur[partie]
    if isinstance(valeur, (Mapping, list)) or valeur is None:
        raise VariableInconnue(nom)
    return str(valeur)


def remplacer_variables(texte: str, variables: Mapping[str, Any], ou: str = "") -> str:
    """Remplace chaque ``{{< var nom >}}`` par sa valeur ; :class:`VariableInconnue` sinon."""

    def valeur(m: re.Match[str]) -> str:
        try:
            return valeur_variable(variables, m.group(1))
        except VariableInconnue as err:
            raise VariableInconnue(err.nom, ou) from None

    return _VAR.sub(valeur, texte)


def _texte_sortie(donnee: str | list[str]) -> str:
    return "".join(donnee) if isinstance(donnee, list) else donnee


@dataclass(frozen=True)
class Bloc:
    """Le Markdown d'une cellule : source d'une cellule de texte ou sortie d'une cellule de code."""

    cellule: str  # identifiant de la cellule (« recit-1 », « fiche-1 »…)
    genre: str  # « markdown » (texte narratif) ou « sortie » (Markdown produit par le code)
    markdown: str


def blocs_notebook(notebook: Mapping[str, Any], variables: Mapping[str, Any], nom: str = "") -> list[Bloc]:
    """Les blocs Markdown d'un notebook exécuté, dans l'ordre des cellules.

    ``notebook`` est le dictionnaire nbformat (``nbformat.read`` ou ``json.load``). Les
    shortcodes ``{{< var … >}}`` sont remplacés partout (Quarto les traite aussi dans les sorties).
    """
    blocs: list[Bloc] = []
    for i, cellule in enumerate(notebook["cells"], start=1):
        ident = str(cellule.get("id") or f"cellule-{i}")
        ou = f"{nom}, cellule « {ident} »" if nom else f"cellule « {ident} »"
        if cellule["cell_type"] == "markdown":
            blocs.append(Bloc(ident, "markdown", remplacer_variables(_texte_sortie(cellule["source"]), variables, ou)))
        elif cellule["cell_type"] == "code":
            for sortie in cellule.get("outputs", []):
                donnees = sortie.get("data", {})
                if "text/markdown" in donnees:
                    blocs.append(Bloc(ident, "sortie", remplacer_variables(_texte_sortie(donnees["text/markdown"]), variables, ou)))
    return blocs


def markdown_notebook(notebook: Mapping[str, Any], variables: Mapping[str, Any], nom: str = "") -> str:
    """Le Markdown d'un notebook exécuté, blocs séparés par une ligne vide (voir :func:`blocs_notebook`)."""
    return "\n\n".join(b.markdown for b in blocs_notebook(notebook, variables, nom))


_FIGURE = re.compile(r"!\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^()\s]*\)(?:\{[^{}]*\})?")
_TABLEAU_LEGENDE = re.compile(
    r"(?P<tableau>(?:^[ ]{0,3}[|+].*\n)+)[ \t]*\n^:[ \t]+(?P<legende>.+?)(?:[ \t]*\{#tbl-[^{}]*\})?[ \t]*$",
    re.MULTILINE,
)
# Filets de tableau en texte brut : « ---- ---- » (tableau simple), « +----+====+ » (grille,
# pour les en-têtes sur deux lignes) ; les barres « | » des lignes de grille séparent les cellules.
_FILET = re.compile(r"^[ \t]*(?:-{3,}(?:[ \t]+-{3,})*|(?:\|[ \t]*)?\+[-=:+]+\+)[ \t]*$\n?", re.MULTILINE)
_LIGNE_DE_GRILLE = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)


def imiter_quarto(markdown: str) -> str:
    """Les deux gestes de Quarto imités avant pandoc : figures → légende, légende de tableau au-dessus.

    ``![Statut des mesures](figures/x.svg){#fig-x fig-alt="…"}`` devient « Statut des mesures »
    (l'image n'a pas de texte) ; un tableau à barres suivi de ``: Légende {#tbl-x}`` devient la
    légende en paragraphe puis le tableau (Quarto place la légende des tableaux au-dessus).
    """
    markdown = _FIGURE.sub(lambda m: m.group(1), markdown)
    return _TABLEAU_LEGENDE.sub(lambda m: f"{m.group('legende')}\n\n{m.group('tableau')}", markdown)


def en_texte_brut(markdown: str) -> str:
    """Markdown (Quarto) → texte brut, par pandoc (``-f markdown -t plain --wrap=none``).

    Pandoc retire les attributs, les classes et les cibles des liens, et met les tableaux en
    colonnes ; :func:`imiter_quarto` est appliquée avant, les capitales de mise en forme du PDF
    pendant (filtre ``styles/texte-imprime.lua``), et les filets des tableaux sont retirés après. Demande ``pypandoc`` (``pypandoc-binary``, dépendance de développement).
    """
    import pypandoc  # import tardif : dépendance de développement seulement

    from bilan.config import STYLES

    brut = pypandoc.convert_text(imiter_quarto(markdown), "plain", format="markdown",
                                 extra_args=["--wrap=none", "--lua-filter", str(STYLES / "texte-imprime.lua")])
    brut = _FILET.sub("", brut)
    return _LIGNE_DE_GRILLE.sub(lambda m: m.group(0).replace("|", " "), brut)


_MARQUE = "CELLULEFIDELITE"
_MARQUE_LIGNE = re.compile(rf"^{_MARQUE}(\d+)$", re.MULTILINE)


def texte_brut_blocs(blocs: Sequence[Bloc]) -> list[tuple[Bloc | None, str]]:
    """Le texte brut de chaque bloc, en un seul appel à pandoc (les notes vont à la fin).

    Les blocs sont séparés par des paragraphes marqueurs avant la conversion, puis le texte
    brut est recoupé sur ces marqueurs : ``[(bloc, texte brut), …]``. Les notes de bas de page,
    que pandoc rassemble en fin de document, reviennent au dernier bloc (comme à la lecture).
    Un éventuel texte avant le premier marqueur est rattaché à ``None``.
    """
    source = "\n\n".join(f"{_MARQUE}{i}\n\n{b.markdown}" for i, b in enumerate(blocs))
    brut = en_texte_brut(source)
    morceaux = _MARQUE_LIGNE.split(brut)
    resultat: list[tuple[Bloc | None, str]] = []
    if morceaux[0].strip():
        resultat.append((None, morceaux[0]))
    for i in range(1, len(morceaux), 2):
        resultat.append((blocs[int(morceaux[i])], morceaux[i + 1]))
    return resultat


# --- Normalisation --------------------------------------------------------------------------------

_BALISES = re.compile(r"</?(?:p|i|em)>", re.IGNORECASE)
_EMPHASE = re.compile(r"(?<![\w*\\])(\*{1,3})(?=[^\s*])([^\n]*?[^\s*\\])\1(?![\w*])")
_EXPOSANTS = (
    re.compile(r"(?<=\w)[ \t]*\^\{(\w+)\}"),  # 1^{er}, n ^{os} (texte publié)
    re.compile(r"(?<=\w)\^\((\w+)\)"),  # 1^(er) (pandoc, texte brut)
    re.compile(r"(?<=\w)\^(\w+)\^"),  # 1^er^ (Markdown pandoc)
    re.compile(r"(?<=\w)[ \t]*\^(\w+)"),  # 10^e, n ^o (texte publié)
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_ESPACE_SIMPLE = "[ \u00a0\u202f\u2009]"
_MILLIERS = re.compile(rf"(?<![\d,.])\d{{1,3}}(?:{_ESPACE_SIMPLE}\d{{3}})+(?![\d])")
_ESPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u2060\ufeff]+")


def normaliser(texte: str) -> str:
    """Le texte ramené à sa forme comparable ; les mots sont séparés par une espace simple.

    Dans l'ordre : balises ``<p>``, ``</p>``, ``<i>``, ``</i>`` retirées ; ``\\$`` → ``$`` ;
    paires d'emphase ``*…*``, ``**…**`` retirées (pas un astérisque seul, appel de note) ;
    exposants écrits ``^{er}``, ``^er^``, ``^(er)`` ou ``^e`` mis en ligne (« 1er », « nos ») ;
    apostrophes typographiques → ``'`` ; chiffres groupés par milliers avec une espace (ordinaire,
    insécable ou fine) soudés (« 1 953 200 » → « 1953200 ») ; enfin toute suite d'espaces
    (tabulations, fins de ligne, insécables) → une espace.
    """
    texte = _BALISES.sub("", texte)
    texte = texte.replace("\\$", "$")
    texte = _EMPHASE.sub(r"\2", texte)
    for motif in _EXPOSANTS:
        texte = motif.sub(r"\1", texte)
    texte = texte.translate(_APOSTROPHES)
    texte = _MILLIERS.sub(lambda m: re.sub(_ESPACE_SIMPLE, "", m.group(0)), texte)
    return _ESPACES.sub(" ", texte).strip()


def mots(texte: str) -> list[str]:
    """Les mots du texte normalisé (ponctuation attachée aux mots, comme imprimée)."""
    return normaliser(texte).split()


# --- Comparaison ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ecart:
    """Un bloc de mots qui diffère entre le texte publié et le texte construit d'une section.

    ``publie`` et ``construit`` sont les textes normalisés (vides pour un ajout ou une
    omission) ; ``avant`` et ``apres`` donnent quelques mots du texte publié autour ;
    ``cellules`` nomme les cellules du notebook d'où viennent les mots construits (ou, pour
    une omission, les cellules voisines).
    """

    section: str
    publie: str
    construit: str
    avant: str = ""
    apres: str = ""
    cellules: tuple[str, ...] = field(default=())

    @property
    def nature(self) -> str:
        """« ajout », « omission » ou « remplacement » (vu du rapport construit)."""
        if not self.publie:
            return "ajout"
        if not self.construit:
            return "omission"
        return "remplacement"

    def decrire(self) -> str:
        """Description lisible en français, sur quelques lignes."""
        lignes = [f"[{self.section}] {self.nature} — à l'endroit marqué : « …{self.avant} ⟨…⟩ {self.apres}… »"]
        lignes.append(f"    publié    : « {self.publie} »" if self.publie else "    publié    : (rien)")
        lignes.append(f"    construit : « {self.construit} »" if self.construit else "    construit : (rien)")
        if self.cellules:
            lignes.append(f"    cellule(s) : {', '.join(self.cellules)}")
        return "\n".join(lignes)


def _recaler(opcodes: list[list[Any]], publie: Sequence[str], construit: Sequence[str]) -> list[list[Any]]:
    """Glisse chaque ajout ou omission pur vers la gauche tant que le texte reste le même.

    ``SequenceMatcher`` place parfois un ajout au milieu d'une répétition : « Statut de [mise
    en œuvre … 100 % Statut de] production » au lieu de « [Statut de mise en œuvre … 100 %]
    Statut de production ». Le glissement (classique dans les outils de diff) rend l'écart
    lisible sans changer ce qui est ajouté ou omis.
    """
    for k in range(1, len(opcodes)):
        op, i1, i2, j1, j2 = opcodes[k]
        precedent = opcodes[k - 1]
        if op not in ("insert", "delete") or precedent[0] != "equal":
            continue
        cote, debut, fin = (construit, j1, j2) if op == "insert" else (publie, i1, i2)
        pas = 0
        while precedent[2] - precedent[1] - pas > 1 and cote[fin - 1 - pas] == cote[debut - 1 - pas]:
            pas += 1
        if pas:
            precedent[2] -= pas
            precedent[4] -= pas
            opcodes[k] = [op, i1 - pas, i2 - pas, j1 - pas, j2 - pas]
            if k + 1 < len(opcodes) and opcodes[k + 1][0] == "equal":
                opcodes[k + 1][1] -= pas
                opcodes[k + 1][3] -= pas
            else:
                opcodes.insert(k + 1, ["equal", i2 - pas, i2, j2 - pas, j2])
    return opcodes


def comparer(
    section: str,
    publie: Sequence[str],
    construit: Sequence[str],
    cellules: Sequence[str] | None = None,
    contexte: int = 6,
) -> list[Ecart]:
    """Les écarts entre deux suites de mots (``SequenceMatcher``, ``autojunk=False``).

    ``cellules[i]`` est l'identifiant de la cellule d'où vient ``construit[i]`` (facultatif).
    Un ajout qui s'étend sur plusieurs cellules est coupé en un écart par cellule ; un ajout
    ou une omission pur est glissé vers la gauche dans une répétition (voir :func:`_recaler`).
    """
    if cellules is not None and len(cellules) != len(construit):
        raise ValueError("cellules et construit doivent avoir la même longueur")
    matcher = difflib.SequenceMatcher(None, list(publie), list(construit), autojunk=False)
    opcodes = _recaler([list(o) for o in matcher.get_opcodes()], publie, construit)
    ecarts = []
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal" or (i1 == i2 and j1 == j2):
            continue
        tranches = [(j1, j2)]
        if op == "insert" and cellules is not None:
            tranches = []
            for j in range(j1, j2):
                if tranches and cellules[j] == cellules[tranches[-1][0]]:
                    tranches[-1] = (tranches[-1][0], j + 1)
                else:
                    tranches.append((j, j + 1))
        for a, b in tranches:
            origine: tuple[str, ...] = ()
            if cellules is not None:
                zone = cellules[a:b] if b > a else cellules[max(a - 1, 0):a + 1]
                origine = tuple(dict.fromkeys(zone))
            ecarts.append(Ecart(
                section=section,
                publie=" ".join(publie[i1:i2]),
                construit=" ".join(construit[a:b]),
                avant=" ".join(publie[max(i1 - contexte, 0):i1]),
                apres=" ".join(publie[i2:i2 + contexte]),
                cellules=origine,
            ))
    return ecarts


def mots_et_cellules(morceaux: Iterable[tuple[Bloc | None, str]]) -> tuple[list[str], list[str]]:
    """Les mots normalisés d'une suite de ``(bloc, texte brut)`` et, pour chacun, sa cellule."""
    tous: list[str] = []
    origines: list[str] = []
    for bloc, brut in morceaux:
        ceux_ci = mots(brut)
        tous += ceux_ci
        origines += [bloc.cellule if bloc else ""] * len(ceux_ci)
    return tous, origines


def texte_brut_notebook(chemin: Path, variables: Mapping[str, Any]) -> list[tuple[Bloc | None, str]]:
    """Le texte brut d'un notebook exécuté, bloc par bloc (voir :func:`texte_brut_blocs`)."""
    import nbformat  # import tardif : seul ce chemin lit des notebooks

    notebook = nbformat.read(chemin, as_version=4)
    return texte_brut_blocs(blocs_notebook(notebook, variables, Path(chemin).name))
