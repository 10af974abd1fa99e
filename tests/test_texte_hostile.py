"""Texte hostile dans les données : ce qui est saisi est ce qui est publié (issue 7, points 4 et 6).

Tout texte venu de ``data/`` ou des paramètres passe par ``bilan.markdown`` (échappement), puis par
la typographie française. Ces tests le vérifient sur le rapport **rendu**, par le vrai chemin :

1. des textes hostiles (syntaxe Markdown, HTML, Typst, shortcodes Quarto, tableaux, mots très
   longs, émojis et autres caractères hors du plan multilingue de base, accents, guillemets,
   ponctuation française) sont écrits dans une copie de ``data/`` (module csv, YAML) et dans un
   fichier de paramètres ;
2. ``charger_plan`` les valide, ``Contexte`` écrit les fiches, l'en-tête d'un axe, l'annexe des
   recommandations, la liste des acronymes, les notices et la signature ;
3. le livre est assemblé comme le fait la construction (``bilan.assemblage.chapitre``,
   ``ecrire_livre``), puis rendu par le moteur intégré (``bilan.integre.rendre`` : pages HTML et
   ``rapport.pdf``) ; un test fait de même avec Quarto là où il est installé ;
4. le texte est relu dans le HTML (BeautifulSoup, élément par élément) et dans le PDF (pypdf).

Propriété : le texte rendu est le texte saisi, une fois retiré ce que le projet change exprès
(voir :func:`normaliser`). Rien n'est perdu, ajouté ni interprété. Dans les colonnes que
``data/README.md`` déclare en Markdown, ``*…*`` devient une emphase (``<em>``) et tout le reste
est littéral.

Exemples tirés par hypothesis de façon déterministe (``derandomize=True``) : la CI rejoue les
mêmes. Plusieurs textes sont rendus dans un même document à chaque exemple (un rendu coûte
environ deux secondes).
"""

from __future__ import annotations

import re
import shutil
import string
import subprocess
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from bilan import integre
from bilan import rendu as rendu_quarto
from bilan.assemblage import Livre, chapitre, ecrire_livre
from bilan.config import DONNEES
from bilan.contexte import Contexte
from bilan.contexte import chapitre as nom_chapitre
from bilan.donnees import charger_plan
from bilan.parametres import lire_parametres
from bilan.texte import Bloc

from conftest import PARAMS_2024, ajouter, ecrire_csv, lire_csv, modifier

#: Le défaut mesuré avant l'échappement : ce libellé de livrable était rendu « Rapports ».
DEFAUT_MESURE = "<script>…</script> #pagebreak() $x^2$ {{< var edition >}} a|b"

# --- Normalisation : ce que le projet change exprès ---------------------------------------------

_ESPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


def normaliser(texte_: str, pdf: bool = False) -> str:
    """Le texte sans ce que le projet change exprès, pour comparer le saisi au rendu.

    - Espaces (ordinaires, insécables U+00A0, fines U+202F, fins de ligne) retirées : la
      typographie française en ajoute ou en change devant ``: ; ! ? % $ »`` et après ``«`` ;
      le rendu replie les suites d'espaces et coupe les lignes.
    - ``'`` ≡ ``’`` : ``bilan.markdown`` écrit l'apostrophe typographique.
    - Dans le PDF seulement, tous les traits d'union et les traits d'union conditionnels
      (U+00AD) retirés : Typst coupe les mots en fin de ligne (``lang: fr``) et le texte extrait
      garde le trait de la coupure (« FR-QSC ») ; on ne peut pas distinguer un trait saisi d'un
      trait de coupure, donc les traits sont ignorés des deux côtés. Le HTML, lui, les vérifie.
    - Dans le PDF seulement encore, les caractères de format invisibles (catégorie Unicode Cf :
      espace sans chasse, marques de direction, liant d'émojis) retirés : sans glyphe visible,
      l'extraction les rend selon la table de correspondance de la police, et pypdf en sème
      ailleurs (U+200B au milieu de « da​ns ») dès qu'un texte en contient.
    - Forme normale NFC : Pandoc écrit composé un caractère saisi décomposé (« e » suivi de
      l'accent combinant devient « é ») ; les deux formes sont canoniquement équivalentes.
    """
    texte_ = unicodedata.normalize("NFC", texte_)
    texte_ = _ESPACES.sub("", texte_).replace("’", "'")
    if pdf:
        texte_ = "".join(c for c in texte_.replace("-", "") if unicodedata.category(c) != "Cf")
    return texte_


# --- Textes hostiles ---------------------------------------------------------------------------

MARKDOWN = [
    "*", "**gras**", "*italique*", "_", "__souligné__", "a_b_c", "#", "# Titre", "## Sous-titre", "[a](b)",
    "![a](b)", "[lien](https://exemple.ca)", "`code`", "```", "> citation", "- ", "- puce", "+ puce", "1. ",
    "2) ", "a) ", "iv. ", "---", "***", "|", ":::", "::: {.note}", "{.classe}", "{#id}", "{#id .c k=v}", "\\",
    "\\*", "^", "^e^", "~", "~~barré~~", "H~2~O", "$x^2$", "$", "@cite", "[@cite]", "<!-- -->", "<!--",
    "&amp;", "&nbsp;", "&#8239;", "[^1]", "^[note]", "<https://exemple.ca>", "https://exemple.ca/a_b*c?d=1",
    "courriel@exemple.ca", "...", "--", "=", "+", "'", '"', "(c)", "[ ]", "[x]", "\\newline", ": définition",
    "    code indenté", "<div>", "</span>", "{{", "}}", "[[", "]]",
]
HTML = [
    "<script>alert(1)</script>", "<b>gras</b>", "</div>", "<br>", "&lt;", "&#x27;", "<img src=x onerror=alert(1)>",
    "<?php echo 1; ?>", "<![CDATA[x]]>", "<style>p{color:red}</style>", "&", "<", ">",
]
TYPST = [
    "#pagebreak()", "#set text(red)", "#let x = 1", "$x$", "$ a + b $", "<label>", "@ref", "= Titre", "== ",
    "//", "// commentaire", "/* bloc */", "/*", "*/", "#", "-?", "#{1+1}", "#[contenu]", "#box[x]", "\"cité\"",
    "'simple'", "[", "]", "{", "}", "#emph[x]", "#link(\"https://x\")[y]", "\\u{1F600}", "#v(1cm)",
]
QUARTO = [
    "{{< var edition >}}", "{{< pagebreak >}}", "{{{< x >}}}", "{{< meta title >}}", "{{% x %}}",
    "{{< include a.md >}}", "@fig-x", "@tbl-y", "{{< }}", "{{< var mesures.total >}}",
]
TABLEAU = ["| a | b |", "|---|---|", "+---+---+", "| x |", "|:--|--:|", "===", "+====+", "a|b", "||"]
FRANCAIS = [
    "« guillemets »", "«sans espace»", "Pourquoi ?", "Pourquoi?", "Attention !", "a ; b", "a;b", "Note : x",
    "Note: x", "10:30", "58 %", "58%", "1er", "2e", "1re", "n° 4", "N°4", "50 000 $", "50$", "148,8 M$",
    "l'été", "aujourd’hui", "2ème", "« »", "?!", "…", "–", "—",
]
# Caractères hors du plan multilingue de base que les polices du PDF savent afficher ; les autres
# (la plupart des émojis, les idéogrammes, la zone privée) ont leur propre test plus bas.
ASTRAL = ["😀", "😀😀", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝟙𝟚", "𝐀𝛼", "☺★✓→"]
SANS_GLYPHE = ["👩🏽‍💻", "🇨🇦", "𠜎", "🔥", "中文", "\U000F0001", "\U00100000", "\ue000"]
ACCENTS = ["Éèêëàâäîïôöùûüç", "œuvre", "Œ", "ÆÇÀÉÈ", "ñ", "ß", "e\u0301", "C³ESSES", "n^o^"]
FRAGMENTS = MARKDOWN + HTML + TYPST + QUARTO + TABLEAU + FRANCAIS + ASTRAL + ACCENTS

_LETTRES = string.ascii_letters + "éèêàçôœÉÀÇ"
_ALPHABET = (
    string.ascii_letters + string.digits + string.punctuation + "      \n\t"
    + "éèêëàâîïôûüçœÉÈÀÇŒ«»’–—…°€\u00a0\u202f" + "😀𝔘𝟙𝛼"
)

mot_long = st.text(alphabet=_LETTRES, min_size=60, max_size=90)
hasard = st.text(alphabet=_ALPHABET, min_size=1, max_size=12)
fragment = st.one_of(st.sampled_from(FRAGMENTS), mot_long, hasard)


@st.composite
def texte_hostile(draw, max_fragments: int = 5) -> str:
    """Quelques fragments hostiles, collés ou séparés par une espace, une fin de ligne…"""
    morceaux = draw(st.lists(fragment, min_size=1, max_size=max_fragments))
    seps = draw(st.lists(st.sampled_from(["", " ", " ", "  ", "\n", "\u00a0"]), min_size=len(morceaux), max_size=len(morceaux)))
    resultat = "".join(s + m for s, m in zip(seps, morceaux)).strip()
    return resultat if resultat.strip() else "x"  # un texte vide est refusé par la validation


def sans_marques(brut: str) -> str:
    """Un texte hostile pour une colonne en Markdown, sans les marques que celle-ci interprète :
    sans ``*`` et avec au plus un ``^`` (un exposant ``^…^`` en demande deux), sur une ligne.

    Le reste (``_``, ``~``, ``#``, ``<…>``, ``{{< … >}}``…) doit y rester littéral.
    """
    sans = brut.replace("*", "")
    premier = sans.find("^")
    if premier >= 0:
        sans = sans[:premier + 1] + sans[premier + 1:].replace("^", "")
    sans = re.sub(r"\s+", " ", sans).strip()
    return sans or "x"


# --- Saisie dans une copie des données et des paramètres --------------------------------------

# Places où un texte est saisi. Texte brut : écrit tel quel, rendu tel quel.
PLACES_BRUTES = (
    "organisation", "nom_organisation", "slogan", "categorie", "source_precedente", "libelle_axe",
    "membre_comite", "producteur", "droits", "code_publication", "bibliotheque", "copyright", "signataire",
)
# Colonnes que data/README.md déclare en Markdown : ``*…*`` et ``^…^`` y sont interprétés.
# Sans suffixe : mesure 1, axe 1, recommandation 4 ; suffixe « _md » : mesure 2, axe 2, recommandation 5.
PLACES_MARKDOWN = ("livrable", "titre", "note", "objectif", "recommandation")

#: Paramètre en Markdown (titre du rapport en *italique*) : texte sans marques au test du texte brut.
PARAMETRES_MARKDOWN = ("citation",)

_PARAMETRES = {
    "citation": ("citation",), "producteur": ("editeur", "producteur"), "droits": ("droits",), "code_publication": ("code_publication",),
    "bibliotheque": ("depot_legal", "bibliotheque"), "copyright": ("copyright",), "signataire": ("signataire", "nom"),
}


def _modifier_toutes(chemin: Path, condition: Mapping[str, str], **valeurs: str) -> None:
    lignes = lire_csv(chemin)
    for ligne in lignes:
        if all(ligne[k] == v for k, v in condition.items()):
            ligne.update(valeurs)
    ecrire_csv(chemin, lignes)


def _modifier_yaml(chemin: Path, cle: str, numero: int, champ: str, valeur: str) -> None:
    elements = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    next(e for e in elements if e[cle] == numero)[champ] = valeur
    chemin.write_text(yaml.safe_dump(elements, allow_unicode=True, sort_keys=False), encoding="utf-8")


def ecrire_saisie(donnees: Path, fichier_params: Path, saisie: Mapping[str, str]) -> None:
    """Écrit chaque texte de ``saisie`` (place → texte) dans la copie des données et dans un
    fichier de paramètres tiré de ``params/2024.yml`` : csv pour les CSV (guillemets gérés par
    le module), PyYAML pour les YAML."""
    for place, v in saisie.items():
        md = place.endswith("_md")
        mesure, axe, reco = ("2", 2, 5) if md else ("1", 1, 4)
        racine = place.removesuffix("_md")
        if racine == "livrable":
            modifier(donnees / "livrables.csv", {"mesure": mesure, "ordre": "1"}, livrable=v)
        elif racine in ("titre", "note"):
            modifier(donnees / "mesures.csv", {"mesure": mesure}, **{racine: v})
        elif racine in ("objectif", "slogan"):
            _modifier_yaml(donnees / "axes.yml", "axe", axe, racine, v)
        elif racine == "libelle_axe":
            _modifier_yaml(donnees / "axes.yml", "axe", 1, "libelle", v)
        elif racine == "membre_comite":
            modifier(donnees / "comite_2020.csv", {"ordre": "2"}, organisation_nom=v)
        elif racine == "recommandation":
            _modifier_yaml(donnees / "recommandations.yml", "numero", reco, "texte", v)
        elif racine == "organisation":
            ajouter(donnees / "organisations.csv", organisation=v, nom=saisie.get("nom_organisation", v),
                    type="sigle", plusieurs="false", source="liste des acronymes")
            ajouter(donnees / "mesures_organisations.csv", mesure="1", role="collaborateur", ordre="99", organisation=v)
        elif racine == "categorie":
            _modifier_toutes(donnees / "statuts.csv", {"objet": "mesure", "categorie": "en_cours"}, libelle_categorie=v)
        elif racine == "source_precedente":
            _modifier_toutes(donnees / "editions_publiees.csv", {}, source=v)
        elif racine in ("nom_organisation",) or racine in _PARAMETRES:
            continue
        else:
            raise KeyError(place)
    params = yaml.safe_load(PARAMS_2024.read_text(encoding="utf-8"))
    for place, chemin in _PARAMETRES.items():
        if place in saisie:
            cible = params
            for cle in chemin[:-1]:
                cible = cible[cle]
            cible[chemin[-1]] = saisie[place]
    fichier_params.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- Le livre, rendu comme par la construction ----------------------------------------------------

#: (nom du chapitre, titre) ; les chapitres des axes et de l'annexe 1 portent le nom de leur
#: notebook, que visent les liens entre fiches et annexe.
def _chapitres() -> list[tuple[str, str, str]]:
    return [
        ("01_presentation", "Message", "sec-message"),
        ("03_bilan", "Bilan", "sec-bilan"),
        *((nom_chapitre(f"axe{n}"), f"Axe {n}", f"sec-axe-{n}") for n in range(1, 7)),
        (nom_chapitre("annexe1"), "Annexe 1", "sec-annexe-1"),
        ("12_annexe2_comite", "Annexe 2", "sec-annexe-2"),
        ("13_acronymes", "Acronymes", "sec-acronymes"),
    ]


@dataclass
class Rendu:
    """Le rapport rendu : pages HTML analysées et texte du PDF, sans en-têtes ni numéros de page.

    ``fichiers`` : page HTML de chaque chapitre (identifiant du titre → nom du fichier) ; le
    moteur intégré nomme les pages d'après l'identifiant, Quarto d'après le fichier du chapitre.
    """

    pages: dict[str, BeautifulSoup]
    pdf: str
    fichiers: dict[str, str]

    def page(self, ident: str) -> BeautifulSoup:
        return self.pages[self.fichiers[ident]]


def _markdown(objet: object) -> str:
    return str(getattr(objet, "data", objet))


def livre_du_contexte(ctx: Contexte) -> Livre:
    """Le livre d'un petit rapport : notices et signature, tableaux de progression et des axes,
    en-tête et fiches de chaque axe, annexes des recommandations et du comité, liste des
    acronymes. Assemblé par
    ``bilan.assemblage.chapitre`` comme les notebooks exécutés (une passe de typographie)."""
    contenus = {
        "sec-message": [ctx.signature()],
        "sec-bilan": [ctx.tableau_progression(), ctx.tableau_axes()],
        **{f"sec-axe-{n}": [ctx.entete_axe(n), ctx.fiches(n)] for n in range(1, 7)},
        "sec-annexe-1": [ctx.annexe_recommandations()],
        "sec-annexe-2": [ctx.annexe_comite()],
        "sec-acronymes": [ctx.liste_acronymes()],
    }
    accueil = ""
    chapitres = []
    for i, (nom, titre, ident) in enumerate(_chapitres()):
        blocs = [Bloc("titre", "markdown", f"# {titre} {{#{ident}}}")]
        if i == 0:
            blocs.insert(0, Bloc("colophon", "sortie", _markdown(ctx.colophon())))
        blocs += [Bloc(f"sortie-{j}", "sortie", _markdown(m)) for j, m in enumerate(contenus[ident])]
        avant, chap = chapitre(nom, blocs, premier=(i == 0))
        accueil = accueil or avant
        chapitres.append(chap)
    return Livre(accueil, tuple(chapitres))


#: Chapitres du PDF où la saisie s'imprime (les fiches des axes 3 à 6 ne sont rendues que pour
#: les liens de l'annexe : leur texte n'est pas extrait, l'extraction coûte près d'une seconde).
CHAPITRES_LUS = {"Message", "Bilan", "Axe 1", "Axe 2", "Annexe 1", "Annexe 2", "Acronymes"}


def _texte_pdf(chemin: Path, toutes: bool = False) -> str:
    """Le texte des pages du PDF qui portent la saisie (pages liminaires et :data:`CHAPITRES_LUS`,
    ou ``toutes``), sans l'en-tête courant (titre du chapitre) ni le numéro de page, qui
    s'intercaleraient au milieu d'un texte coupé par un saut de page."""
    lecteur = PdfReader(str(chemin))
    titres = {t for _, t, _ in _chapitres()}
    debuts = sorted((lecteur.get_destination_page_number(o), o.title) for o in lecteur.outline if not isinstance(o, list))
    pages = []
    for numero, page in enumerate(lecteur.pages):
        chapitre_ici = next((t for debut, t in reversed(debuts) if debut <= numero), None)
        if not toutes and chapitre_ici is not None and chapitre_ici not in CHAPITRES_LUS:
            continue
        lignes = (page.extract_text() or "").splitlines()
        if lignes and lignes[-1].strip().isdigit():
            lignes.pop()
        if lignes and lignes[0].strip() in titres:
            lignes.pop(0)
        pages.append("\n".join(lignes))
    return "\n".join(pages)


def preparer(racine: Path, saisie: Mapping[str, str]) -> tuple[Path, list[str], Contexte]:
    """Copie data/, y écrit la saisie, charge et valide (``charger_plan``), puis écrit le livre
    Markdown comme la construction (``ecrire_livre``) ; renvoie son dossier, ses chapitres et
    le contexte."""
    donnees = racine / "data"
    shutil.copytree(DONNEES, donnees)
    fichier_params = racine / "2024.yml"
    ecrire_saisie(donnees, fichier_params, saisie)
    ctx = Contexte(lire_parametres(fichier_params), charger_plan(donnees))
    livre = livre_du_contexte(ctx)
    dossier = racine / "livre"
    ecrire_livre(livre, dossier)
    return dossier, [c.nom for c in livre.chapitres], ctx


def _pages(sortie: Path) -> dict[str, BeautifulSoup]:
    return {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in sortie.glob("*.html")}


def rendre_saisie(racine: Path, saisie: Mapping[str, str], formats: tuple[str, ...] = ("html", "pdf")) -> tuple[Rendu, Contexte]:
    """La saisie rendue par le moteur intégré (``bilan.integre.rendre``), métadonnées comprises
    (``bilan.construire.metadonnees``, comme la construction)."""
    from bilan.construire import metadonnees

    dossier, chapitres, ctx = preparer(racine, saisie)
    sortie = racine / "rapport"
    integre.rendre(dossier, chapitres, metadonnees(ctx.params, ctx), sortie, formats)
    pdf = sortie / f"{integre.NOM_PDF}.pdf"
    return Rendu(_pages(sortie), _texte_pdf(pdf) if "pdf" in formats else "",
                 {ident: f"{ident}.html" for _, _, ident in _chapitres()}), ctx


def rendre_saisie_quarto(racine: Path, saisie: Mapping[str, str]) -> tuple[Rendu, Contexte]:
    """La saisie rendue par Quarto, comme la construction (``preparer_livre``, ``commande_quarto``,
    ``finir_html``)."""
    from bilan.construire import metadonnees

    dossier, chapitres, ctx = preparer(racine, saisie)
    rendu_quarto.preparer_livre(dossier, chapitres, metadonnees(ctx.params, ctx))
    proc = subprocess.run(rendu_quarto.commande_quarto(dossier), cwd=dossier, capture_output=True, text=True)
    assert proc.returncode == 0, f"Quarto a échoué (code {proc.returncode}) :\n{proc.stderr[-4000:]}"
    sortie = rendu_quarto.dossier_sortie(dossier)
    rendu_quarto.finir_html(sortie)
    return Rendu(_pages(sortie), _texte_pdf(sortie / f"{integre.NOM_PDF}.pdf", toutes=True),
                 {ident: f"{nom}.html" for nom, _, ident in _chapitres()}), ctx


# --- Relecture du HTML ------------------------------------------------------------------------------


def _classe(element, classe: str) -> bool:
    return classe in (element.get("class") or [])


def _freres_jusqu_a(debut, arret) -> list:
    """Les éléments frères qui suivent ``debut``, jusqu'au premier pour lequel ``arret`` est vrai."""
    elements = []
    for frere in debut.find_next_siblings():
        if arret(frere):
            break
        elements.append(frere)
    return elements


def _fin_de_section(e) -> bool:
    return e.name in ("h2", "section")


def _sous_titre(page: BeautifulSoup, ident: str, arret=_fin_de_section) -> list:
    """Les blocs qui suivent le titre ``ident`` : ses frères (moteur intégré), ou le contenu de la
    ``<section>`` qui porte l'identifiant (Quarto), jusqu'à ``arret``."""
    cible = page.find(id=ident)
    if cible.name == "section":
        return _freres_jusqu_a(cible.find(re.compile(r"^h[1-6]$")), arret)
    return _freres_jusqu_a(cible, arret)


def _fiche(rendu: Rendu, mesure: str) -> list:
    return _sous_titre(rendu.page("sec-axe-1"), f"mesure-{mesure}")


def element_html(rendu: Rendu, place: str):
    """Les éléments HTML où se lit le texte saisi à ``place`` : un seul, sauf pour les notices
    (un paragraphe parmi d'autres) et les textes longs (leurs paragraphes et listes)."""
    md = place.endswith("_md")
    racine = place.removesuffix("_md")
    fiche = _fiche(rendu, "2" if md else "1")
    tableaux = [t for bloc in fiche for t in bloc.find_all("table")]
    if racine == "livrable":
        return [tableaux[1].tbody.tr.td]
    if racine == "titre":
        return [next(b for b in fiche if b.name == "p" and b.strong is not None).strong]
    if racine == "note":
        return [next(b for b in fiche if _classe(b, "note-mesure"))]
    if racine == "organisation":
        return [tableaux[0].tbody.tr.find_all("td")[1]]
    if racine in ("slogan", "objectif"):
        main = rendu.page(f"sec-axe-{2 if md else 1}").find("main")
        slogan = main.find(class_="slogan")
        return [slogan] if racine == "slogan" else _freres_jusqu_a(slogan, _fin_de_section)
    if racine == "recommandation":
        return _sous_titre(rendu.page("sec-annexe-1"), f"recommandation-{5 if md else 4}",
                           lambda e: _fin_de_section(e) or _classe(e, "mesures-liees"))
    if racine == "categorie":
        return [rendu.page("sec-bilan").find("table").thead.tr.find_all("th")[1]]
    if racine == "source_precedente":
        return [rendu.page("sec-bilan").find(class_="source-tableau")]
    if racine == "libelle_axe":
        return [rendu.page("sec-bilan").find_all("table")[1].tbody.tr.td]
    if racine == "membre_comite":
        return [rendu.page("sec-annexe-2").find("main").find("ul").find_all("li")[1]]
    if racine == "signataire":
        return [rendu.page("sec-message").find(class_="signature").strong]
    if racine in _PARAMETRES:
        return rendu.pages["index.html"].find(class_="colophon").find_all("p")
    raise KeyError(place)


def texte_attendu(place: str, saisi: str, ctx: Contexte) -> str:
    """Ce que l'élément de :func:`element_html` doit contenir, quand ce n'est pas le texte seul."""
    racine = place.removesuffix("_md")
    if racine == "note":
        return "* " + saisi
    if racine == "organisation":
        return ", ".join(ctx.plan.organisations_de("1", "collaborateur"))
    if racine == "source_precedente":
        note = ctx.plan.editions_publiees["note"].iloc[0]
        return f"Source de la ligne 2022 : {saisi}. {note}"
    if racine == "libelle_axe":
        return f"1. {saisi}"
    if racine == "membre_comite":
        return f"{saisi};"
    return saisi


#: Textes longs, en blocs (paragraphes et listes à puces) : les éléments lus sont des frères.
PLACES_BLOCS = {"objectif", "recommandation", "objectif_md", "recommandation_md"}

#: Balises que la fiche ou le bloc met elle-même autour du texte saisi, par place.
_BALISES_DU_CODE = {"organisation": {"span"}, "note": {"p"}, "slogan": {"p"}, "source_precedente": {"p"}}


_ORDINAL = re.compile(r"(ers?|res?|es?)")


def _voulue(balise) -> bool:
    """Balise que la typographie met exprès : l'exposant d'un ordinal (« 1er » → 1<sup>er</sup>)."""
    return balise.name == "sup" and _ORDINAL.fullmatch(balise.get_text()) is not None


def _balises_dans(elements) -> set[str]:
    return {d.name for e in elements for d in e.find_all(True) if not _voulue(d)}


def balises(rendu: Rendu, place: str) -> set[str]:
    """Les balises HTML dans l'élément lu (et, pour un texte long, les blocs eux-mêmes), hors
    exposants des ordinaux."""
    elements = element_html(rendu, place)
    noms = {e.name for e in elements} if place in PLACES_BLOCS else set()
    return noms | _balises_dans(elements)


def verifier_html(rendu: Rendu, ctx: Contexte, place: str, saisi: str, permises: set[str] = frozenset()) -> None:
    """Le texte de l'élément (ou de l'un des paragraphes des notices) est le texte saisi, et rien
    n'y est interprété : aucune balise que le code n'y met pas lui-même, hors ``permises``."""
    elements = element_html(rendu, place)
    attendu = normaliser(texte_attendu(place, saisi, ctx))
    racine = place.removesuffix("_md")
    if racine in _PARAMETRES:
        lus = [normaliser(e.get_text()) for e in elements]
        assert attendu in lus, f"{place} : {saisi!r} introuvable parmi les paragraphes des notices {lus}"
        elements = [e for e in elements if normaliser(e.get_text()) == attendu]
        assert not _balises_dans(elements), f"{place} : {saisi!r} interprété ({sorted(_balises_dans(elements))})"
        return
    lu = normaliser("".join(e.get_text() for e in elements))
    assert lu == attendu, f"{place} : saisi {saisi!r}, lu dans le HTML {lu!r}"
    permises = set(permises) | _BALISES_DU_CODE.get(racine, set()) | ({"p"} if place in PLACES_BLOCS else set())
    if racine == "organisation":
        assert all(not s.get("class") for e in elements for s in e.find_all("span")), f"{place} : {saisi!r}"
    trouvees = balises(rendu, place)
    assert trouvees <= permises, f"{place} : {saisi!r} interprété ({sorted(trouvees - permises)})"


#: Places imprimées en capitales dans le PDF (ligne d'en-tête d'un bloc .entetes-majuscules) :
#: le PDF les montre par #upper[…], mise en forme voulue ; le HTML garde la casse saisie.
PLACES_EN_CAPITALES = {"categorie"}


def verifier_pdf(rendu: Rendu, place: str, saisi: str) -> None:
    attendu = normaliser(saisi.upper() if place in PLACES_EN_CAPITALES else saisi, pdf=True)
    assert attendu in normaliser(rendu.pdf, pdf=True), f"{place} : {saisi!r} introuvable dans le texte du PDF"


def verifier_organisation(rendu: Rendu, organisation: str, nom: str) -> None:
    """Le sigle et son nom : une ligne de la liste des acronymes ; le sigle dans la fiche."""
    lignes = [[normaliser(td.get_text()) for td in tr.find_all("td")]
              for tr in rendu.page("sec-acronymes").find_all("tr")]
    assert [normaliser(nom), normaliser(organisation)] in lignes, f"{organisation!r} / {nom!r} absents de la liste des acronymes"
    cellule = element_html(rendu, "organisation")[0]
    assert normaliser(organisation) in normaliser(cellule.get_text()), cellule


def verifier_texte_brut(rendu: Rendu, ctx: Contexte, saisie: dict[str, str]) -> None:
    """Chaque saisie en texte brut, telle quelle dans le HTML et le PDF ; l'organisation et son nom
    dans la liste des acronymes et la fiche."""
    for place, saisi in saisie.items():
        if place == "nom_organisation":
            continue
        verifier_html(rendu, ctx, place, saisi)
        verifier_pdf(rendu, place, saisi)
    verifier_organisation(rendu, saisie["organisation"], saisie["nom_organisation"])

# --- Propriétés ---------------------------------------------------------------------------------------

# Un rendu coûte environ deux secondes : pas de réduction des exemples en échec (Phase.shrink),
# qui en demanderait des centaines ; l'exemple fautif est affiché entier.
REGLAGES = settings(max_examples=10, deadline=None, derandomize=True, print_blob=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def saisie_brute(textes: list[str]) -> dict[str, str]:
    """Les textes hostiles répartis : un par place de texte brut, puis un par colonne en
    Markdown (sans ses marques, voir :func:`sans_marques` ; un texte long ne commence pas par
    une puce « - »)."""
    places = PLACES_BRUTES + PLACES_MARKDOWN + PARAMETRES_MARKDOWN
    saisie = dict(zip(places, textes))
    for place in PLACES_MARKDOWN + PARAMETRES_MARKDOWN:
        saisie[place] = sans_marques(saisie[place])
        if place in PLACES_BLOCS and saisie[place].startswith("- "):
            # « - » en tête d'un texte long ouvre une liste à puces, permise : pas ici.
            saisie[place] = "Texte " + saisie[place]
    return saisie


N_BRUTS = len(PLACES_BRUTES) + len(PLACES_MARKDOWN) + len(PARAMETRES_MARKDOWN)


def _exemple(*textes: str) -> list[str]:
    """Un exemple explicite : les textes donnés, répétés pour remplir toutes les places."""
    return [textes[i % len(textes)] for i in range(N_BRUTS)]


@REGLAGES
@given(textes=st.lists(texte_hostile(), min_size=N_BRUTS, max_size=N_BRUTS))
@example(textes=_exemple(DEFAUT_MESURE))
@example(textes=_exemple("*gras* **fort** _souligné_ ~indice~ ^exposant^ `code` [lien](x) ![image](y)",
                         "# Titre\n## Sous-titre\n- puce\n1. un\n> citation\n---\n| a | b |\n|---|---|",
                         "<b>gras</b> <script>alert(1)</script> &amp; &lt; &#x27; <!-- commentaire -->",
                         "#set text(red) #pagebreak() = Titre // commentaire /* bloc */ <label> @ref $x$",
                         "{{< pagebreak >}} {{{< x >}}} {{< meta title >}} @fig-x [@cite] [^1] ^[note]",
                         "Mot" + "anticonstitutionnellement" * 3 + " 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚 𝐀𝛼",
                         "« guillemets » «serrés» Pourquoi?Parce que ! 58% 50$ 1er 2e l'été : fin ; ok",
                         "\\ \\* \\\\ ::: {.classe} {#id} a|b || +---+"))
@example(textes=_exemple("1. Premier", "2) deux", "a) trois", ": définition", "iv. quatre", "> citation",
                         "# titre", "| a | b |", "=== x", "+ plus", "--- trait", "    code", "* étoile", "^ seul"))
@example(textes=_exemple("E\u0301te\u0301 de\u0301compose\u0301 ☺\ufe0f a\u200bb a\u200eb 😀😀 𝔘𝔫𝔦 | x |",
                         "coupe-?ci, trois... points -- et --- tirets ––x —–y –-z ~ tilde 'x' l'été"))
@example(textes=_exemple("= titre", "- puce", "+ plus", "1. un", "/ terme : déf", "# dièse", "» fermant"))
# Listes ordonnées entre parenthèses (extension fancy_lists de Pandoc) : « (c) » perdu en tête
# d'une recommandation, trouvé par hypothesis.
@example(textes=_exemple("(c) $ cc :x", "(2) deux", "(iv) quatre", "(B) bé", "(c)", "(12) douze", "(a)b"))
def test_texte_brut_rendu_tel_quel(textes):
    """Colonnes et paramètres en texte brut, et colonnes en Markdown sans marques : le HTML et le
    PDF montrent exactement le texte saisi (aux espaces, apostrophes et coupures près)."""
    saisie = saisie_brute(textes)
    with tempfile.TemporaryDirectory() as tmp:
        rendu, ctx = rendre_saisie(Path(tmp), saisie)
    verifier_texte_brut(rendu, ctx, saisie)


# --- Colonnes en Markdown : l'emphase, les paragraphes et les puces, rien d'autre ------------------

#: Un texte littéral d'une colonne en Markdown : hostile, sans ``*`` ni ``^``, sur une ligne.
litteral = texte_hostile(max_fragments=3).map(lambda t: re.sub(r"\s+", " ", t.replace("*", "").replace("^", "")).strip())
mot_emphase = st.text(alphabet=_LETTRES, min_size=1, max_size=12)
#: Premiers mots des deux puces d'un texte long : le PDF imprime une puce « • » devant chacun.
PUCES = ("Premier point", "Second point")


def avec_puces(attendu: str) -> str:
    """Le texte attendu dans le PDF : la puce imprimée (« • ») devant chaque élément de liste."""
    for debut in PUCES:
        attendu = attendu.replace(debut, "• " + debut)
    return attendu


@st.composite
def saisie_markdown(draw) -> dict[str, tuple[str, str, list[str]]]:
    """Pour chaque colonne en Markdown (mesure 2, axe 2, recommandation 5) : le texte saisi, le
    texte attendu et les mots en emphase. Phrase « avant *mot* après » ; les textes longs y
    ajoutent un paragraphe et une liste à puces de deux éléments."""
    resultat = {}
    for place in PLACES_MARKDOWN:
        avant, mot, apres = draw(litteral), draw(mot_emphase), draw(litteral)
        saisi = f"{avant} *{mot}* {apres}".strip()
        attendu = f"{avant} {mot} {apres}"
        if place in ("objectif", "recommandation"):
            suite, puce1, puce2 = draw(litteral), draw(litteral), draw(litteral)
            saisi = f"Texte {saisi}\n\nSuite {suite}\n\n- {PUCES[0]} {puce1}\n- {PUCES[1]} {puce2}"
            attendu = f"Texte {attendu} Suite {suite} {PUCES[0]} {puce1} {PUCES[1]} {puce2}"
        resultat[place + "_md"] = (saisi, attendu, [mot])
    return resultat


@REGLAGES
@given(cas=saisie_markdown())
@example(cas={
    "livrable_md": (f"*Rapport* {DEFAUT_MESURE}", f"Rapport {DEFAUT_MESURE}", ["Rapport"]),
    "titre_md": ("Modifier le *Code criminel* : #pagebreak() <b>x</b> {{< var edition >}}",
                 "Modifier le Code criminel : #pagebreak() <b>x</b> {{< var edition >}}", ["Code criminel"]),
    "note_md": ("*Loi* _souligné_ ~indice~ `code` [lien](x) $x$ a|b", "Loi _souligné_ ~indice~ `code` [lien](x) $x$ a|b",
                ["Loi"]),
    "objectif_md": (f"Texte *un*\n\n# Titre\n\n- {PUCES[0]} 1. deux\n- {PUCES[1]} > trois",
                    f"Texte un # Titre {PUCES[0]} 1. deux {PUCES[1]} > trois", ["un"]),
    "recommandation_md": (f"Texte *deux* 2) fin\n\n: définition\n\n- {PUCES[0]} | a | b |\n- {PUCES[1]} ::: {{.x}}",
                          f"Texte deux 2) fin : définition {PUCES[0]} | a | b | {PUCES[1]} ::: {{.x}}", ["deux"]),
})
def test_colonnes_markdown_emphase_seulement(cas):
    """Colonnes déclarées en Markdown : ``*mot*`` devient ``<em>mot</em>``, les paragraphes et les
    puces d'un texte long restent des paragraphes et des puces ; le reste est littéral."""
    with tempfile.TemporaryDirectory() as tmp:
        rendu, ctx = rendre_saisie(Path(tmp), {place: saisi for place, (saisi, _, _) in cas.items()})
    for place, (saisi, attendu, mots) in cas.items():
        permises = {"em"} | ({"ul", "li"} if place in PLACES_BLOCS else set())
        verifier_html(rendu, ctx, place, attendu, permises)
        emphases = [normaliser(e.get_text()) for el in element_html(rendu, place) for e in el.find_all("em")]
        assert emphases == [normaliser(m) for m in mots], f"{place} : {saisi!r} → emphases {emphases}"
        if place in PLACES_BLOCS:
            elements = element_html(rendu, place)
            assert [e.name for e in elements] == ["p", "p", "ul"], f"{place} : {saisi!r}"
            assert len(elements[2].find_all("li")) == 2
        verifier_pdf(rendu, place, avec_puces(attendu) if place in PLACES_BLOCS else attendu)


def test_marques_seules_restent_litterales(tmp_path):
    """Dans une colonne en Markdown, un ``*`` ou un ``^`` qui n'encadre rien (un seul par texte,
    ou des marques sans texte entre elles) reste un caractère : ni puce (« * »), ni filet
    (« *** », « * * * »), ni exposant vide (« ^^ »). Une puce « - » dont le texte commence
    par « = », « - », « 1. »… reste une puce qui montre ce texte."""
    saisie = {
        "livrable_md": "5 * 3 = 15 et 2 ^ 3",
        "titre_md": "Titre a*b, c^d et ^^ fin",
        "note_md": "*** ^^",
        "objectif_md": "Texte\n\n* pas une puce\n\n***\n\n*",
        "recommandation_md": "Texte\n\n* * *\n\n*\tTab\n\n^^",
    }
    # Puces permises, dont le texte commence par une marque de ligne de Typst ou de Markdown.
    puces = ["= titre", "- puce", "1. un", "+ plus", "/ terme : déf", "# dièse", "» fermant"]
    saisie["objectif"] = "Texte\n\n" + "\n".join(f"- {p}" for p in puces)
    rendu, ctx = rendre_saisie(tmp_path, saisie)
    for place, saisi in saisie.items():
        if place == "objectif":
            verifier_html(rendu, ctx, place, "Texte " + " ".join(puces), permises={"ul", "li"})
            assert [normaliser(li.get_text()) for li in element_html(rendu, place)[1].find_all("li")] == \
                [normaliser(p) for p in puces]
            verifier_pdf(rendu, place, "Texte " + " ".join(f"• {p}" for p in puces))
            continue
        verifier_html(rendu, ctx, place, saisi)
        verifier_pdf(rendu, place, saisi)


# --- Caractères que les polices du PDF n'ont pas -------------------------------------------------

_PLACES_D_UN_MOT = ("livrable", "titre", "note", "slogan", "organisation", "signataire", "producteur",
                    "code_publication")


def _message_nomme(message: str, caractere: str) -> bool:
    """Le message d'erreur nomme le caractère, tel quel ou sous la forme ``\\u{…}`` de Typst."""
    premier = caractere[0]
    return premier in message or f"\\u{{{ord(premier):x}}}" in message


def test_caracteres_sans_glyphe_html_exact_et_pdf_refuse_en_le_nommant(tmp_path):
    """Émojis, idéogrammes, zone privée : le HTML les montre tels quels. Les polices du PDF ne les
    ont pas, et le PDF/UA-1 interdit un caractère sans glyphe : le rendu du PDF s'arrête alors
    avec un message qui nomme le caractère (jamais un caractère perdu en silence). Si une
    police de secours est ajoutée au projet, le PDF doit les montrer tels quels.

    La zone privée du plan 15 (U+F0000–U+FFFFD) sert aux masques de la typographie française
    (``bilan.francais.typographie``) : un texte qui en contient est gardé tel quel (les masques
    passent au plan 16)."""
    affichables_en_html = list(SANS_GLYPHE)
    saisie = {place: f"avant {c} après" for place, c in zip(_PLACES_D_UN_MOT, affichables_en_html)}
    assert len(saisie) == len(affichables_en_html)
    rendu, ctx = rendre_saisie(tmp_path / "html", saisie, formats=("html",))
    for place, saisi in saisie.items():
        verifier_html(rendu, ctx, place, saisi)

    for caractere in ("👩🏽‍💻", "中文", "\ue000"):
        saisi = f"avant {caractere} après"
        try:
            rendu, _ = rendre_saisie(tmp_path / f"pdf-{ord(caractere[0]):x}", {"livrable": saisi}, formats=("pdf",))
        except integre.RenduImpossible as err:
            assert _message_nomme(str(err), caractere), str(err)
        else:
            verifier_pdf(rendu, "livrable", saisi)



# --- Validation des caractères invisibles et métadonnées de l'édition --------------------------------


@pytest.mark.parametrize("caractere", ["\x07", "\x1b"])
def test_validation_refuse_les_caracteres_de_controle(donnees, caractere):
    from bilan.validation import DonneesInvalides

    modifier(donnees / "livrables.csv", {"mesure": "1", "ordre": "1"}, livrable=f"Rapports{caractere}[31m")
    with pytest.raises(DonneesInvalides) as err:
        charger_plan(donnees)
    message = str(err.value)
    assert "livrables.csv" in message and "ligne 2" in message and "livrable" in message
    assert f"U+{ord(caractere):04X}" in message


def test_metadonnees_du_rapport_en_texte_brut(tmp_path):
    """Le titre du plan (paramètres), affiché par les deux moteurs autour du livre : bandeau et
    titre des pages HTML, titre du PDF."""
    titre = "*Plan* <b>x</b> $x$ {{< var edition >}} #pagebreak() a|b"
    dossier, chapitres, ctx = preparer(tmp_path, {})
    from bilan.construire import metadonnees

    ctx.params.brut["plan"]["titre"] = titre  # ce que lire_parametres aurait lu
    sortie = tmp_path / "rapport"
    integre.rendre(dossier, chapitres, metadonnees(ctx.params, ctx), sortie)
    h1 = BeautifulSoup((sortie / "index.html").read_text(encoding="utf-8"), "html.parser").find("h1")
    assert normaliser(h1.get_text()) == normaliser(titre) and not h1.find_all(True), h1
    assert normaliser(PdfReader(str(sortie / f"{integre.NOM_PDF}.pdf")).metadata.title) == normaliser(titre)


# --- Quarto ------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("quarto") is None, reason=(
    "Quarto absent : le rendu de Quarto n'est pas vérifié sur cette machine (installer Quarto 1.10 ; "
    "le moteur intégré, lui, est vérifié par les tests ci-dessus)"))
def test_quarto_rend_le_texte_tel_quel(tmp_path):
    """Le même document hostile, rendu par Quarto (``preparer_livre``, ``quarto render``) : les
    mêmes exigences sur le HTML et le PDF. Quarto traite lui-même les shortcodes ``{{< … >}}`` et
    les références ``@…`` : ils doivent rester du texte."""
    saisie = saisie_brute(_exemple(
        DEFAUT_MESURE,
        "{{< pagebreak >}} {{{< x >}}} {{< meta title >}} {{< var mesures.total >}} @fig-x [@cite] @tbl-y",
        "*gras* _souligné_ ~indice~ `code` [lien](x) ![image](y) <b>gras</b> &amp; 'simple' l'été",
        "#set text(red) = Titre // commentaire /* bloc */ <label> @ref $x$ 1. 2) a|b ::: {.classe}",
    ))
    rendu, ctx = rendre_saisie_quarto(tmp_path, saisie)
    verifier_texte_brut(rendu, ctx, saisie)
