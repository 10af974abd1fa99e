"""Le rapport tel qu'un réviseur le lit : le PDF et les pages HTML publiés, ouverts et examinés.

Chaque test tourne sur la construction rendue par le moteur intégré (partout, CI comprise) et,
là où la commande ``quarto`` existe, sur la même construction rendue par Quarto (fixture
``construction_rendue`` de conftest.py) : les mêmes exigences valent pour les deux moteurs.

PDF (pypdf) : page 1 = couverture (titre du rapport, pas de table des matières) ; notices en
page 2 ; table des matières après le message du ministre ; aucune page sans texte ; signets
avec les titres des chapitres ; liens internes qui mènent à une destination ; langue, titre et
affichage du titre déclarés ; PDF balisé ; nombre de pages dans l'intervalle attendu.

HTML (BeautifulSoup) : chaque page se lit, déclare sa langue, a un seul ``h1`` ; chaque lien et
chaque ancre internes existent ; chaque image a un texte de remplacement ; aucun reste de
syntaxe (shortcode, ``\\$``, Markdown) ; aucune espace ordinaire là où la typographie française
veut une espace insécable ; repères de navigation nommés ; lien d'évitement.

Les trois formats (HTML, PDF, Word) : mêmes légendes numérotées « Tableau n : … » et
« Figure n : … », dans le même ordre.
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject

from bilan.assemblage import assembler_dossier
from bilan.construire import OK

#: Nombre de pages attendu du PDF de 2024 (le rapport publié en compte environ 62).
PAGES_MIN, PAGES_MAX = 50, 70


@cache
def _lecteur(chemin: Path) -> PdfReader:
    return PdfReader(str(chemin))


@cache
def _textes_des_pages(chemin: Path) -> tuple[str, ...]:
    return tuple(p.extract_text() or "" for p in _lecteur(chemin).pages)


def _pdf(construction) -> Path:
    assert construction["code"] == OK, construction["messages"][-5:]
    return construction["dossier"] / "rapport" / "rapport.pdf"


def _pages_html(construction) -> list[Path]:
    assert construction["code"] == OK, construction["messages"][-5:]
    return sorted((construction["dossier"] / "rapport").glob("*.html"))


@cache
def _soupe(chemin: Path) -> BeautifulSoup:
    return BeautifulSoup(chemin.read_text(encoding="utf-8"), "html.parser")


def _premiere_page_qui_contient(textes: tuple[str, ...], motif: str) -> int:
    for i, texte in enumerate(textes):
        if re.search(motif, texte):
            return i
    pytest.fail(f"« {motif} » introuvable dans le PDF")


# --- PDF -------------------------------------------------------------------------------------------


def test_pdf_ordre_des_pages_du_rapport_publie(construction_rendue):
    """Couverture, notices, message du ministre, table des matières, introduction."""
    textes = _textes_des_pages(_pdf(construction_rendue))
    assert "BRISER LE CYCLE" in textes[0] and "DEUXIÈME RAPPORT DE MISE EN ŒUVRE" in textes[0]
    assert "TABLE DES MATIÈRES" not in textes[0]
    assert "ISBN" in textes[1] and "Dépôt légal" in textes[1]
    message = _premiere_page_qui_contient(textes, r"MESSAGE DU MINISTRE")
    table = _premiere_page_qui_contient(textes, r"TABLE DES MATIÈRES")
    introduction = _premiere_page_qui_contient(textes, r"(?m)^INTRODUCTION\s*$")
    assert message == 2 and message < table < introduction
    assert "ANNEXE 1" in textes[table] and "Annexe A" not in "\n".join(textes)


def test_pdf_aucune_page_vide_et_nombre_de_pages(construction_rendue):
    textes = _textes_des_pages(_pdf(construction_rendue))
    vides = [i + 1 for i, t in enumerate(textes) if not t.strip()]
    assert vides == [], f"pages sans texte : {vides}"
    assert PAGES_MIN <= len(textes) <= PAGES_MAX


def test_pdf_signets_des_chapitres(construction_rendue):
    """Les signets du PDF portent les titres des chapitres, dans l'ordre du livre."""
    lecteur = _lecteur(_pdf(construction_rendue))
    premiers = [o["/Title"] for o in lecteur.outline if not isinstance(o, list)]
    valeurs = yaml.safe_load((construction_rendue["dossier"] / "_variables.yml").read_text(encoding="utf-8"))
    livre = assembler_dossier(construction_rendue["dossier"] / "notebooks", valeurs)
    titres = [re.sub(r"\s*\{[^{}]*\}\s*$", "", c.titre) for c in livre.chapitres[1:]]  # sans le message
    assert [t.replace("’", "'") for t in premiers] == [t.replace("’", "'") for t in titres]
    # Les fiches (niveau 2) sont des signets sous leur chapitre.
    assert sum(len(o) for o in lecteur.outline if isinstance(o, list)) >= 38


def _destinations_nommees(lecteur: PdfReader) -> set[str]:
    return set(lecteur.named_destinations)


def test_pdf_liens_internes(construction_rendue):
    """Chaque lien interne du PDF mène à une destination qui existe (page du document)."""
    lecteur = _lecteur(_pdf(construction_rendue))
    pages = {p.indirect_reference.idnum for p in lecteur.pages}
    nommees = _destinations_nommees(lecteur)
    internes = casses = 0
    for page in lecteur.pages:
        for annotation in page.get("/Annots", []) or []:
            a = annotation.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            action = a.get("/A", {})
            dest = a.get("/Dest") or (action.get("/D") if action.get("/S") == "/GoTo" else None)
            if dest is None:
                assert action.get("/S") == "/URI", a
                continue
            internes += 1
            if isinstance(dest, IndirectObject):
                dest = dest.get_object()
            if isinstance(dest, (ArrayObject, list)):
                cible = dest[0]
                ok = isinstance(cible, IndirectObject) and cible.idnum in pages
            else:
                ok = str(dest) in nommees
            casses += not ok
    assert internes >= 90, f"{internes} liens internes seulement (renvois fiches ↔ annexe attendus)"
    assert casses == 0, f"{casses} lien(s) interne(s) sans destination"


def test_pdf_langue_titre_et_balisage(construction_rendue):
    lecteur = _lecteur(_pdf(construction_rendue))
    racine = lecteur.trailer["/Root"]
    assert str(racine.get("/Lang", "")).startswith("fr")
    assert lecteur.metadata.title == "Briser le cycle de l'exploitation sexuelle"
    assert racine["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (BooleanObject de pypdf)
    assert racine["/MarkInfo"]["/Marked"] == True and "/StructTreeRoot" in racine  # noqa: E712


# --- HTML ------------------------------------------------------------------------------------------


def test_html_pages_attendues(construction_rendue):
    noms = {p.name for p in _pages_html(construction_rendue)}
    assert "index.html" in noms and len(noms) == 14  # accueil + 13 chapitres
    rapport = construction_rendue["dossier"] / "rapport"
    assert (rapport / "rapport.pdf").exists()


def test_html_langue_titre_et_un_seul_h1(construction_rendue):
    for page in _pages_html(construction_rendue):
        soupe = _soupe(page)
        assert soupe.html.get("lang", "").startswith("fr"), page.name
        assert soupe.title and soupe.title.get_text(strip=True), page.name
        h1 = soupe.find_all("h1")
        assert len(h1) == 1, (page.name, [h.get_text(" ", strip=True) for h in h1])


def test_html_page_d_accueil(construction_rendue):
    soupe = _soupe(construction_rendue["dossier"] / "rapport" / "index.html")
    texte = soupe.get_text(" ", strip=True)
    assert "décembre 2024" in texte and "Dépôt à l’Assemblée nationale" in texte.replace("'", "’")
    assert "1 janvier 2024" not in texte and "index.html" not in texte
    assert soupe.find("a", href="rapport.pdf"), "lien vers le PDF"
    # Sidebar ou sommaire : l'accueil est nommé.
    assert re.search(r"\bAccueil\b", texte)


def _ids(page: Path) -> set[str]:
    return {e["id"] for e in _soupe(page).find_all(id=True)}


def test_html_liens_et_ancres_internes(construction_rendue):
    rapport = construction_rendue["dossier"] / "rapport"
    casses = []
    total = 0
    for page in _pages_html(construction_rendue):
        for a in _soupe(page).find_all("a", href=True):
            href = a["href"]
            morceaux = urlsplit(href)
            if morceaux.scheme or href.startswith("//"):
                continue
            total += 1
            cible = (page.parent / unquote(morceaux.path)).resolve() if morceaux.path else page
            if not cible.exists():
                casses.append(f"{page.name} → {href} (fichier absent)")
            elif morceaux.fragment and cible.suffix == ".html" and unquote(morceaux.fragment) not in _ids(cible):
                casses.append(f"{page.name} → {href} (ancre absente)")
    assert total > 150
    assert casses == [], "\n".join(casses[:20])


def test_html_images_avec_texte_de_remplacement(construction_rendue):
    images = [(p.name, img) for p in _pages_html(construction_rendue) for img in _soupe(p).find_all("img")]
    figures = [i for _, i in images if "figures/" in i.get("src", "")]
    assert len(figures) == 3
    for nom, img in images:
        assert img.get("alt", "").strip(), (nom, img.get("src"))
    assert all("1er septembre 2024" in i["alt"] for i in figures[:2])


def _texte_principal(page: Path) -> str:
    soupe = _soupe(page)
    principal = soupe.find("main") or soupe.body
    for el in principal.find_all(["script", "style", "code", "pre"]):
        el.decompose()
    return principal.get_text(" ")


RESTES = [r"\{\{<", r"\\\$", r"\\\*", r"\*\*", r":::", r"\]\(", r"\{#", r"\{\.", r"\^er\^", r"\]\{"]


def test_html_aucun_reste_de_syntaxe(construction_rendue):
    for page in _pages_html(construction_rendue):
        texte = _texte_principal(page)
        for motif in RESTES:
            assert not re.search(motif, texte), f"{page.name} : « {motif} » dans le texte"


def test_html_typographie_francaise(construction_rendue):
    """Aucune espace ordinaire avant : ; ! ? % » ni après « (la typographie les veut insécables)."""
    fautes = []
    for page in _pages_html(construction_rendue):
        texte = _texte_principal(page)
        for m in re.finditer(r"[ \t\n]+[:;!?%»]|«[ \t\n]+", texte):
            fautes.append(f"{page.name} : …{texte[max(m.start() - 30, 0):m.end() + 10]!r}…")
    assert fautes == [], f"{len(fautes)} espace(s) ordinaire(s) :\n" + "\n".join(fautes[:20])
    bilan = _texte_principal(construction_rendue["dossier"] / "rapport" / _page_du_bilan(construction_rendue))
    assert re.search(r"1\s*er\s+septembre\s+2024", bilan) and "58\u00a0%" in bilan


def _page_du_bilan(construction) -> str:
    return next(p.name for p in _pages_html(construction) if "bilan" in p.name)


def test_html_ordinal_en_exposant(construction_rendue):
    """« 1er » s'écrit 1<sup>er</sup> partout, même quand il vient de la date de référence."""
    for page in _pages_html(construction_rendue):
        texte = _texte_principal(page)
        soupe = _soupe(page)
        sans_exposant = re.findall(r"\b1er\b", texte)
        avec = [s for s in soupe.find_all("sup") if s.get_text() in ("er", "re")]
        assert len(avec) >= len(sans_exposant), page.name


def test_html_reperes_nommes_et_lien_d_evitement(construction_rendue):
    for page in _pages_html(construction_rendue):
        soupe = _soupe(page)
        noms = []
        for nav in soupe.find_all("nav"):
            nom = nav.get("aria-label") or nav.get("aria-labelledby")
            assert nom, f"{page.name} : <nav> sans nom ({nav.get('id') or nav.get('class')})"
            noms.append(nom)
        assert len(noms) == len(set(noms)), f"{page.name} : repères de même nom {noms}"
        evitement = soupe.find("a", string=re.compile("Aller au contenu"))
        assert evitement is not None and soupe.find(id=evitement["href"].lstrip("#")), page.name


def test_html_tableaux_nommes(construction_rendue):
    """Un tableau légendé a un nom accessible : <caption> ou aria-labelledby vers sa légende."""
    for page in _pages_html(construction_rendue):
        soupe = _soupe(page)
        for tableau in soupe.find_all("table"):
            figure = tableau.find_parent("figure")
            if figure is None or figure.find("figcaption") is None:
                continue
            nom = tableau.find("caption") or (tableau.get("aria-labelledby") and soupe.find(id=tableau["aria-labelledby"]))
            assert nom, f"{page.name} : tableau légendé sans nom accessible"


def _legendes(texte: str) -> list[str]:
    """« Tableau 2 : Statut de mise… » : les légendes numérotées d'un texte, à leurs cinq premiers mots."""
    texte = " ".join(texte.replace("\u00a0", " ").replace("\u202f", " ").split())
    return [" ".join(m.group(0).split()[:7]) for m in re.finditer(r"\b(?:Tableau|Figure) \d+ : (?:\S+ ){4}\S+", texte)]


def test_legendes_numerotees_dans_les_trois_formats(construction_rendue):
    """Tableaux et figures numérotés comme Quarto les numérote (« Tableau 1 : … »), et de même
    en HTML, en PDF et en Word : un renvoi « voir le tableau 3 » vaut pour chaque format."""
    dossier = construction_rendue["dossier"] / "rapport"
    pdf = _legendes("\n".join(_textes_des_pages(_pdf(construction_rendue))))
    html = [l for p in _pages_html(construction_rendue)
            for l in _legendes(" ".join(c.get_text(" ") for c in _soupe(p).find_all(["caption", "figcaption"])))]
    with zipfile.ZipFile(dossier / "rapport.docx") as z:
        word = _legendes(re.sub(r"<[^>]+>", " ", z.read("word/document.xml").decode("utf-8")))
    sortes = [l.split()[0] for l in pdf]
    assert sortes.count("Tableau") == 4 and sortes.count("Figure") == 3, pdf
    for sorte in ("Tableau", "Figure"):
        numeros = [int(l.split()[1]) for l in pdf if l.startswith(sorte)]
        assert numeros == list(range(1, len(numeros) + 1)), (sorte, numeros)
    assert html == pdf, (html, pdf)
    assert word == pdf, (word, pdf)


def test_html_titres_en_casse_normale(construction_rendue):
    """Les titres ne sont pas saisis en capitales (lecteurs d'écran) ; le PDF, lui, les imprime
    en capitales par la mise en forme."""
    for page in _pages_html(construction_rendue):
        for titre in _soupe(page).find_all(["h1", "h2", "th"]):
            mots = [m for m in re.findall(r"[^\W\d_]{5,}", titre.get_text(" ")) if m.isupper()]
            assert not mots, f"{page.name} : « {titre.get_text(' ', strip=True)} »"


def _balises(lecteur: PdfReader) -> list[dict]:
    """Les éléments de structure du PDF balisé, dans l'ordre du document."""
    elements: list[dict] = []

    def parcourir(noeud) -> None:
        noeud = noeud.get_object()
        if isinstance(noeud, list):
            for x in noeud:
                parcourir(x)
            return
        if not isinstance(noeud, dict) or "/S" not in noeud:
            return
        elements.append(noeud)
        enfants = noeud.get("/K")
        for x in (enfants if isinstance(enfants, list) else [enfants] if enfants is not None else []):
            if isinstance(x, IndirectObject) or isinstance(x, dict):
                parcourir(x)

    parcourir(lecteur.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return elements


def test_pdf_structure_balisee(construction_rendue):
    """Titres de chapitre balisés H1 (la table des matières comprise, et aucun titre vide), table
    des matières balisée TOC, figures avec texte de remplacement, tableaux avec en-têtes."""
    lecteur = _lecteur(_pdf(construction_rendue))
    balises = _balises(lecteur)
    noms = [str(b["/S"]) for b in balises]
    # message, table des matières, introduction, bilan, six axes, conclusion, deux annexes, acronymes
    assert noms.count("/H1") == 14
    assert "/TOC" in noms and noms.count("/TOCI") >= 12
    figures = [b for b in balises if str(b["/S"]) == "/Figure"]
    assert len(figures) == 3 and all(str(f.get("/Alt", "")).strip() for f in figures)
    assert noms.count("/Table") >= 80 and noms.count("/TH") >= noms.count("/Table")
