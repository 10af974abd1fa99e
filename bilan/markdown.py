"""Écriture du Markdown du rapport : le seul endroit où le texte des données est échappé.

Tout texte qui vient de ``data/`` ou des paramètres d'une édition passe par :func:`texte`
(texte brut) ou :func:`texte_riche` (colonnes que ``data/README.md`` déclare en Markdown :
emphase ``*…*``, exposant ``^…^``, et, pour les textes longs, paragraphes et listes à puces).
Ce qui arrive au HTML et au PDF est alors exactement ce qui a été saisi : une balise
``<script>``, un ``#pagebreak()`` Typst, des ``$`` de mathématiques, un shortcode
``{{< var … >}}``, une barre ``|`` de tableau ou une emphase non permise restent du texte.

Pourquoi échapper à la main : Pandoc n'offre pas d'« échappement de texte » en Markdown
(son écrivain Markdown échappe pour sa propre lecture, pas pour Quarto, dont les shortcodes
``{{< >}}`` et les références ``@…`` ne sont pas du Markdown de Pandoc). Les règles sont
celles de Pandoc : tout signe de ponctuation ASCII précédé d'une barre oblique inverse est
littéral (manuel de Pandoc, « Backslash escapes »).

Deux transformations typographiques restent voulues sur ces textes, comme sur le texte
narratif : les espaces de la ponctuation française (:func:`bilan.francais.typographie`) et
l'apostrophe droite rendue typographique (’). Celle-ci est écrite ici, et non laissée à
l'extension ``smart`` de Pandoc : ``smart`` prend deux apostrophes pour des guillemets simples
(« 'simple' » devenait « ‘simple’ »).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bilan.francais import typographie

# Ponctuation ASCII laissée telle quelle : sans effet en Markdown au fil du texte (les cas de
# début de ligne sont traités à part), et nécessaire aux règles de typographie (: ; ! ? %).
# L'apostrophe droite devient ’ (_echapper_caracteres) : plus rien pour l'extension smart.
_LIBRES = set(",;:?!%/()'")
_PONCTUATION = {chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()}
_A_ECHAPPER = _PONCTUATION - _LIBRES
# Marques permises dans les colonnes en Markdown, celles que data/README.md déclare : emphase
# *…* et exposant ^…^. « _ » et « ~ » restent littéraux (« _brouillon_ », « ~5 km~ »).
_MARQUES_RICHES = set("*^")
# Seules les marques qui encadrent un texte sont gardées : « *texte* » (sans espace contre les
# astérisques, sans astérisque dedans) et « ^texte^ » (sans espace). Les autres sont échappées :
# un « * » seul faisait une puce en début de ligne (« *** », un filet) ou cassait le gras du
# titre d'une fiche (« **a*b** »), « ^^ » un exposant vide ; « **gras** » reste du texte.
_ENCADRES = {"*": re.compile(r"(?<!\*)\*[^\s*](?:[^*]*[^\s*])?\*(?!\*)"), "^": re.compile(r"(?<!\^)\^[^\s^]+\^")}

# Débuts de ligne qu'il faut neutraliser même s'ils ne contiennent pas de signe échappé :
# listes ordonnées (« 1. », « 2) », « a) », « iv. », et entre parenthèses « (c) », « (2) »),
# paragraphe « : » (légende ou définition).
_DEBUT_LISTE = re.compile(r"^(\s*)(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)([.)])(?=\s|$)")
_DEBUT_LISTE_PARENTHESES = re.compile(r"^(\s*\((?:\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+))\)(?=\s|$)")
_DEBUT_DEUX_POINTS = re.compile(r"^(\s*):")
_PUCE = re.compile(r"^(\s*)- (?=\S)")


def _echapper_caracteres(texte: str, garder: set[str]) -> str:
    texte = texte.replace("'", "’")
    gardees = {i for marque in garder for m in _ENCADRES[marque].finditer(texte) for i in (m.start(), m.end() - 1)}
    return "".join(f"\\{c}" if c in _A_ECHAPPER and i not in gardees else c for i, c in enumerate(texte))


def _echapper_ligne(ligne: str, garder: set[str], puces: bool) -> str:
    puce = ""
    if puces and (m := _PUCE.match(ligne)):
        puce, ligne = "- ", ligne[m.end():]
    ligne = _echapper_caracteres(ligne.lstrip(), garder)  # quatre espaces en tête : bloc de code
    # Débuts de ligne, sur le texte déjà échappé : la barre oblique ajoutée ne doit pas l'être à
    # son tour (« 2) » donnait « 2\\) », imprimé « 2\) »). « 1. » est déjà « 1\. ».
    ligne = _DEBUT_LISTE.sub(r"\1\2\\\3", ligne)
    ligne = _DEBUT_LISTE_PARENTHESES.sub(r"\1\\)", ligne)
    ligne = _DEBUT_DEUX_POINTS.sub(r"\1\\:", ligne)
    return puce + ligne


def echapper(texte: object) -> str:
    """Texte brut → Markdown qui s'affiche exactement tel quel, sur une ligne.

    Chaque signe de ponctuation qui a un sens en Markdown, en HTML, en Typst ou pour Quarto
    est précédé d'une barre oblique inverse ; les fins de ligne et tabulations deviennent des
    espaces (une étiquette tient dans une cellule de tableau ou un titre).
    """
    ligne = re.sub(r"\s*[\r\n\t\f\v]+\s*", " ", str(texte)).strip()
    return _echapper_ligne(ligne, set(), puces=False)


def echapper_riche(texte: object, blocs: bool = False) -> str:
    """Texte d'une colonne déclarée en Markdown : seules l'emphase (``*…*``) et l'exposant
    (``^…^``) sont interprétés ; tout le reste est échappé.

    Avec ``blocs``, le texte garde ses paragraphes (ligne vide) et ses listes à puces
    (« - » en début de ligne) ; sinon, il est ramené à une ligne comme par :func:`echapper`.
    """
    brut = str(texte).replace("\r\n", "\n").replace("\r", "\n")
    if not blocs:
        brut = re.sub(r"\s*[\n\t\f\v]+\s*", " ", brut).strip()
        return _echapper_ligne(brut, _MARQUES_RICHES, puces=False)
    paragraphes = [p for p in re.split(r"\n[ \t]*\n", brut.strip()) if p.strip()]
    sortie = []
    for paragraphe in paragraphes:
        lignes = [l for l in paragraphe.split("\n") if l.strip()]
        sortie.append("\n".join(_echapper_ligne(l.rstrip(), _MARQUES_RICHES, puces=True) for l in lignes))
    return "\n\n".join(sortie)


def texte(valeur: object) -> str:
    """Un texte des données prêt pour le rapport : échappé, puis typographie française."""
    return typographie(echapper(valeur))


def texte_riche(valeur: object, blocs: bool = False) -> str:
    """Un texte d'une colonne en Markdown prêt pour le rapport (voir :func:`echapper_riche`)."""
    return typographie(echapper_riche(valeur, blocs=blocs))


def sans_marques(markdown: object) -> str:
    """Texte d'une colonne en Markdown lisible hors du rapport (tableur) : sans l'italique ``*…*``
    ni l'exposant ``^…^``, leur contenu gardé."""
    return re.sub(r"\^([^^]*)\^", r"\1", str(markdown)).replace("*", "")


def attribut(valeur: object) -> str:
    """Valeur d'attribut Pandoc entre guillemets (``fig-alt="…"``, ``title="…"``), sur une ligne.

    Comme dans le texte, chaque signe de ponctuation ASCII est précédé d'une barre oblique
    inverse, que Pandoc retire en lisant la valeur. Seuls ``"`` et ``\\`` y ont un sens, mais
    Pandoc décode aussi les entités (``&amp;`` devenait ``&``) et, dans une cellule de tableau
    (infobulle d'une organisation), découpe la ligne avant de lire les attributs : une barre
    ``|``, un ``$`` ou un accent grave de la valeur y ouvraient une cellule, des mathématiques
    ou du code qui débordaient sur la cellule voisine.
    """
    ligne = re.sub(r"\s+", " ", str(valeur)).strip()
    return '"' + "".join(f"\\{c}" if c in _PONCTUATION else c for c in ligne) + '"'


def tableau(entetes: Sequence[str], lignes: Sequence[Sequence[str]], alignements: Sequence[str],
            legende: str = "", ident: str = "") -> str:
    """Tableau Markdown (pipe table), légende Quarto ``: Légende {#tbl-…}`` facultative.

    Les cellules sont déjà du Markdown (texte passé par :func:`texte`, dont les ``|`` sont
    échappés) : elles sont reprises telles quelles. ``alignements`` : « g », « d » ou « c ».
    """
    sep = {"g": ":---", "d": "---:", "c": ":---:"}
    if len(alignements) != len(entetes) or any(len(l) != len(entetes) for l in lignes):
        raise ValueError("Tableau : chaque ligne doit avoir autant de cellules que d'en-têtes et d'alignements.")
    texte_tableau = [
        "| " + " | ".join(entetes) + " |",
        "|" + "|".join(sep[a] for a in alignements) + "|",
        *("| " + " | ".join(ligne) + " |" for ligne in lignes),
    ]
    if legende:
        texte_tableau += ["", f": {legende}" + (f" {{#{ident}}}" if ident else "")]
    return "\n".join(texte_tableau) + "\n"


def _largeur(cellule: str) -> int:
    """Largeur d'affichage comptée comme Pandoc lit un tableau grille : caractères larges d'Asie
    de l'Est et émojis, 2 colonnes ; marques combinantes (accent saisi décomposé, « e\u0301 »)
    et caractères de format (espace sans chasse, liant des émojis composés), aucune. Compter
    ceux-ci pour 1 décalait les filets, et une barre « | » s'affichait dans l'en-tête."""
    import unicodedata

    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in cellule)


def _case(contenu: str, largeur: int) -> str:
    return " " + contenu + " " * (largeur - 1 - _largeur(contenu))


def tableau_groupe(premiere: str, groupes: Sequence[tuple[str, Sequence[str]]], lignes: Sequence[Sequence[str]],
                   alignements: Sequence[str], legende: str = "", ident: str = "") -> str:
    """Tableau à deux lignes d'en-tête (tableau « grille » de Pandoc) : une première colonne
    sur deux lignes, puis des groupes de colonnes sous un titre commun.

    C'est la présentation du rapport publié pour « Progression de la mise en œuvre » :
    « En cours » au-dessus de « Nombre » et « Pourcentage ». Les tableaux à barres de Pandoc
    n'ont qu'une ligne d'en-tête ; la grille, elle, accepte les cellules fusionnées (Pandoc 3)
    et devient un vrai en-tête à deux lignes en HTML (``rowspan``, ``colspan``) comme en Typst
    (``table.header``). Les cellules sont déjà du Markdown, sur une ligne.
    """
    sous_titres = [s for _, ss in groupes for s in ss]
    ncol = 1 + len(sous_titres)
    if len(alignements) != ncol or any(len(l) != ncol for l in lignes):
        raise ValueError("Tableau : chaque ligne doit avoir une cellule par colonne (première colonne comprise).")
    largeurs = [max(_largeur(c) for c in [premiere, *(l[0] for l in lignes)]) + 2]
    for j, titre in enumerate(sous_titres, start=1):
        largeurs.append(max(_largeur(c) for c in [titre, *(l[j] for l in lignes)]) + 2)
    # Un titre de groupe plus large que ses colonnes élargit la dernière d'entre elles.
    debut = 1
    portees = []
    for titre, ss in groupes:
        fin = debut + len(ss)
        manque = _largeur(titre) + 2 - (sum(largeurs[debut:fin]) + len(ss) - 1)
        if manque > 0:
            largeurs[fin - 1] += manque
        portees.append((titre, debut, fin))
        debut = fin

    def filet(car: str, colonnes: range | None = None) -> str:
        return "+" + "+".join(car * largeurs[j] for j in (colonnes or range(ncol))) + "+"

    def filet_aligne() -> str:
        morceaux = []
        for j, a in enumerate(alignements):
            w = largeurs[j]
            morceaux.append({"g": ":" + "=" * (w - 1), "d": "=" * (w - 1) + ":", "c": ":" + "=" * (w - 2) + ":"}[a])
        return "+" + "+".join(morceaux) + "+"

    groupes_ligne = "|".join(_case(t, sum(largeurs[d:f]) + (f - d - 1)) for t, d, f in portees)
    texte_tableau = [
        filet("-"),
        "|" + _case(premiere, largeurs[0]) + "|" + groupes_ligne + "|",
        "|" + " " * largeurs[0] + filet("-", range(1, ncol)),
        "|" + " " * largeurs[0] + "|" + "|".join(_case(t, largeurs[j]) for j, t in enumerate(sous_titres, start=1)) + "|",
        filet_aligne(),
    ]
    for ligne in lignes:
        texte_tableau.append("|" + "|".join(_case(c, largeurs[j]) for j, c in enumerate(ligne)) + "|")
        texte_tableau.append(filet("-"))
    if legende:
        texte_tableau += ["", f": {legende}" + (f" {{#{ident}}}" if ident else "")]
    return "\n".join(texte_tableau) + "\n"


def lien_chapitre(chapitre: str, ancre: str) -> str:
    """Cible d'un lien vers une ancre d'un autre chapitre : ``11_annexe1_recommandations.md#recommandation-4``.

    Le livre assemblé (``bilan.assemblage``) écrit un fichier ``<notebook>.md`` par chapitre.
    Quarto résout ``fichier.md#ancre`` en page HTML et en lien interne du PDF ; le moteur
    intégré fait de même (``bilan.integre``). Un lien sans ancre ne serait pas résolu dans le
    PDF de Quarto : l'ancre est donc obligatoire.
    """
    if not ancre:
        raise ValueError("Un lien entre chapitres doit viser une ancre (#…).")
    return f"{chapitre}.md#{ancre}"
