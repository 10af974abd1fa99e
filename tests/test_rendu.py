"""Tests du rendu Quarto : bilan.rendu, _quarto.yml, styles/ (HTML et Typst), index.qmd.

Trois couches :
1. sans outil externe : profil de l'édition, commande, dossier de sortie, palette et sa
   concordance avec le CSS et le Typst, configuration du livre ;
2. avec Pandoc seul (pypandoc) : le Markdown d'une fiche, le filtre styles/typst-classes.lua,
   et, si un compilateur Typst est là (Quarto, typst, ou le module Python typst), la
   compilation du PDF avec styles/rapport.typ et styles/typst-show.typ ;
3. avec Quarto 1.10 : la construction complète de l'édition 2024 (HTML et PDF).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bilan import integre, rendu
from bilan.config import NOTEBOOKS, RACINE, STYLES

# Les 13 chapitres du rapport, dans l'ordre (docs/conception.md).
CHAPITRES = [
    "01_presentation", "02_introduction", "03_bilan", "04_axe1_recherche",
    "05_axe2_communication", "06_axe3_prevention", "07_axe4_repression",
    "08_axe5_reconstruction", "09_axe6_premieres_nations", "10_conclusion",
    "11_annexe1_recommandations", "12_annexe2_comite", "13_acronymes",
]
ANNEXES = CHAPITRES[10:]

OKABE_ITO = {
    "realise": "#009E73",
    "realise_en_partie": "#56B4E9",
    "en_cours": "#E69F00",
    "a_faire": "#999999",
    "inconnu": "#CC79A7",
}

# Une fiche telle que bilan.fiches.fiche_markdown la produit.
FICHE = """\
## MESURE N° 1 – [EN COURS]{.statut .statut-en_cours} {#mesure-1 .mesure}

::: {.recommandations}
En réponse à la recommandation n° [4](11_annexe1_recommandations.md#recommandation-4)
:::

**Soutenir la réalisation de projets de recherche.**

| PORTEUR | COLLABORATEURS | BUDGET ATTRIBUÉ |
|:---|:---|---:|
| [MSP]{title="Ministère de la Sécurité publique"} | MO partenaires, FRQSC | 1 953 200 $ |

| LIVRABLES | Statut |
|:---|:---|
| Production de rapports de recherche | [En cours]{.statut .statut-en_cours} |
| Réalisation d'activités de transfert | [À venir]{.statut .statut-a_faire} |

::: {.note-mesure}
\\* Une note en astérisque.
:::
"""

# Un petit rapport : couverture, colophon, deux chapitres, une fiche.
RAPPORT = f"""\
::: {{.couverture}}
[BRISER LE CYCLE DE L'EXPLOITATION SEXUELLE]{{.titre-plan}}

[PLAN D'ACTION GOUVERNEMENTAL 2021-2026]{{.sous-titre-plan}}

[DEUXIÈME RAPPORT DE MISE EN ŒUVRE]{{.titre-rapport}}

[Déposé à l'Assemblée nationale en décembre 2024]{{.depot}}
:::

::: {{.colophon}}
Cette publication a été produite par le ministère.
:::

# Message du ministre {{#sec-message .majuscules .liminaire .unlisted}}

Texte du message.

::: {{.signature}}
ORIGINAL SIGNÉ
:::

# En matière de recherche {{#sec-axe-1 .majuscules}}

::: {{.slogan}}
Braquer les projecteurs
:::

{FICHE}
### État de mise en œuvre {{.unnumbered}}

Texte de l'état de mise en œuvre.

| Nom | Acronyme |
|:---|:---|
| Ministère de la Sécurité publique | MSP |

: Organisations {{#tbl-organisations}}

::: {{.cell}}
Un Div englobant (sortie de cellule sans output: asis) : pas de saut de page possible dedans.

::: {{.colophon}}
Colophon imbriqué.
:::

# Titre imbriqué
:::
"""


# --- Outils ---------------------------------------------------------------------------------

def _config() -> dict:
    return yaml.safe_load((RACINE / "_quarto.yml").read_text(encoding="utf-8"))


def _pandoc() -> str:
    pypandoc = pytest.importorskip("pypandoc", reason="pypandoc absent : tests Pandoc non exécutés")
    return pypandoc.get_pandoc_path()


def _convertir(texte: str, vers: str, *options: str) -> str:
    # --wrap=none : comme Quarto pour Typst (src/format/typst/format-typst.ts, kWrap: "none").
    proc = subprocess.run(
        [_pandoc(), "-f", "markdown", "-t", vers, "--wrap=none", *options],
        input=texte, capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _luminance(couleur: str) -> float:
    canaux = [int(couleur[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in canaux]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contraste(a: str, b: str) -> float:
    clair, fonce = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (clair + 0.05) / (fonce + 0.05)


def _liste_lua(nom: str) -> list[str]:
    """Les chaînes de ``local NOM = { … }`` dans le filtre Lua."""
    source = (STYLES / "typst-classes.lua").read_text(encoding="utf-8")
    bloc = re.search(rf"local {nom} = \{{(.*?)\}}", source, re.S)
    assert bloc, f"liste {nom} introuvable dans typst-classes.lua"
    return re.findall(r'"([\w-]+)"', bloc.group(1))


def _dictionnaire_typst(nom: str) -> str:
    """Le texte du dictionnaire Typst ``#let nom = ( … )`` de styles/rapport.typ."""
    source = (STYLES / "rapport.typ").read_text(encoding="utf-8")
    debut = source.index(f"#let {nom} = (")
    fin = source.index("\n)\n", debut)
    return source[debut:fin]


# --- 1. bilan.rendu ------------------------------------------------------------------------------

META = {
    "titre": "Briser le cycle de l'exploitation sexuelle",
    "sous_titre": "Plan d'action gouvernemental 2021-2026 — Deuxième rapport de mise en œuvre",
    "auteur": "Ministère de la Sécurité publique",
    "mois_depot": dt.date(2024, 12, 1),
    "langue": "fr-CA",
    "titre_accueil": "Accueil",
}


def test_ecrire_config_edition_ecrit_le_profil(tmp_path: Path) -> None:
    rendu.ecrire_config_edition(tmp_path, META)
    fichier = tmp_path / "_quarto-edition.yml"
    profil = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    # Le mois de dépôt est une vraie date, montrée « décembre 2024 » (date-format) : une phrase
    # passée comme date devenait « 1 janvier 2024 » dans le bloc de titre de Quarto.
    assert profil == {
        "lang": "fr-CA",
        "book": {
            "title": META["titre"],
            "subtitle": META["sous_titre"],
            "author": META["auteur"],
            "date": "2024-12-01",
            "date-format": "MMMM YYYY",
        },
        "bilan-titre-accueil": "Accueil",
    }
    # Accents écrits tels quels (lisible par un humain), et réécriture sans reste.
    assert "Sécurité" in fichier.read_text(encoding="utf-8")
    rendu.ecrire_config_edition(tmp_path, {**META, "titre": "Autre titre", "mois_depot": None, "brouillon": "VERSION DE TRAVAIL"})
    profil = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    assert profil["book"]["title"] == "Autre titre" and "date" not in profil["book"]
    assert profil["bilan-brouillon"] == "VERSION DE TRAVAIL"


def test_ecrire_config_edition_langue_par_defaut(tmp_path: Path) -> None:
    meta = {k: v for k, v in META.items() if k != "langue"}
    rendu.ecrire_config_edition(tmp_path, meta)
    assert yaml.safe_load((tmp_path / "_quarto-edition.yml").read_text(encoding="utf-8"))["lang"] == "fr-CA"


def test_ecrire_config_edition_refuse_une_valeur_manquante(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sous_titre.*auteur|auteur.*sous_titre"):
        rendu.ecrire_config_edition(tmp_path, {**META, "sous_titre": "  ", "auteur": None})
    assert not (tmp_path / "_quarto-edition.yml").exists()


def test_preparer_livre_liste_les_chapitres(tmp_path: Path) -> None:
    from bilan.integre import Metadonnees

    meta = Metadonnees(META["titre"], META["sous_titre"], META["auteur"], META["mois_depot"])
    rendu.preparer_livre(tmp_path, ["01_presentation", "02_introduction"], meta)
    config = yaml.safe_load((tmp_path / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["book"]["chapters"] == ["index.md", "01_presentation.md", "02_introduction.md"]
    assert "appendices" not in config["book"]
    assert (tmp_path / "styles" / "typst-show.typ").exists()
    assert yaml.safe_load((tmp_path / "_quarto-edition.yml").read_text(encoding="utf-8"))["bilan-titre-accueil"] == "Accueil"


def test_profil_et_commande_concordent(tmp_path: Path) -> None:
    commande = rendu.commande_quarto(tmp_path)
    assert commande == ["quarto", "render", str(tmp_path), "--profile", "edition"]
    # Le fichier écrit est celui que Quarto lit pour ce profil : _quarto-<profil>.yml.
    assert rendu.FICHIER_PROFIL == f"_quarto-{commande[commande.index('--profile') + 1]}.yml"
    # Ni --execute (les sorties de papermill restent), ni --to (les deux formats).
    assert "--execute" not in commande and "--to" not in commande


def test_dossier_sortie_suit_quarto_yml(tmp_path: Path) -> None:
    assert rendu.dossier_sortie(tmp_path) == tmp_path / rendu.SORTIE_PAR_DEFAUT
    shutil.copy2(RACINE / "_quarto.yml", tmp_path / "_quarto.yml")
    assert rendu.dossier_sortie(tmp_path) == tmp_path / _config()["project"]["output-dir"]
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n  output-dir: _ailleurs\n", encoding="utf-8")
    assert rendu.dossier_sortie(tmp_path) == tmp_path / "_ailleurs"


def test_quarto_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendu.shutil, "which", lambda nom: None)
    assert rendu.quarto_disponible() is None
    assert rendu.version_quarto() is None


def test_version_quarto_lit_la_sortie(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    faux = tmp_path / "quarto"
    faux.write_text("#!/bin/sh\necho 1.10.19\n", encoding="utf-8")
    faux.chmod(0o755)
    monkeypatch.setattr(rendu.shutil, "which", lambda nom: str(faux))
    if sys.platform.startswith("win"):
        pytest.skip("script shell de substitution")
    assert rendu.quarto_disponible() == str(faux)
    assert rendu.version_quarto() == "1.10.19"
    assert rendu.version_compatible("1.10.19") and rendu.version_compatible("1.10")
    assert not rendu.version_compatible("1.9.36") and not rendu.version_compatible("1.100.0")


def test_message_installation() -> None:
    message = rendu.MESSAGE_INSTALLATION
    for attendu in ("1.10", "environment.yml", "conda-forge", "https://quarto.org/docs/get-started/",
                    "pip install", "quarto-cli", "Internet"):
        assert attendu in message, attendu


# --- Palette : une source, trois copies concordantes ------------------------------------------------

def test_palette_okabe_ito() -> None:
    assert rendu.couleurs_statuts() == OKABE_ITO


def test_palette_couvre_les_categories_des_donnees() -> None:
    with (RACINE / "data" / "statuts.csv").open(encoding="utf-8", newline="") as f:
        categories = {ligne["categorie"] for ligne in csv.DictReader(f)}
    from bilan.synthese import CATEGORIE_INCONNUE

    assert categories | {CATEGORIE_INCONNUE} <= set(rendu.couleurs_statuts())


def test_etiquettes_lisibles() -> None:
    texte = rendu.couleur_texte_statuts()
    for categorie, fond in rendu.couleurs_statuts().items():
        assert _contraste(texte, fond) >= 4.5, f"{categorie} : contraste insuffisant (WCAG 1.4.3)"


def test_palette_copiee_dans_le_css() -> None:
    css = (STYLES / "rapport.css").read_text(encoding="utf-8")
    copie = {k: v.upper() for k, v in re.findall(r"--statut-(\w+):\s*(#[0-9A-Fa-f]{6});", css) if k != "texte"}
    assert copie == {k: v.upper() for k, v in rendu.couleurs_statuts().items()}
    texte = re.search(r"--statut-texte:\s*(#[0-9A-Fa-f]{6});", css)
    assert texte and texte.group(1).upper() == rendu.couleur_texte_statuts().upper()
    for categorie in rendu.couleurs_statuts():
        assert re.search(rf"\.statut-{categorie}\s*\{{\s*background-color:\s*var\(--statut-{categorie}\)", css), categorie


def test_palette_copiee_dans_le_typst() -> None:
    dico = _dictionnaire_typst("bilan-couleurs-statut")
    copie = {k: v.upper() for k, v in re.findall(r'(\w+):\s*rgb\("(#[0-9A-Fa-f]{6})"\)', dico)}
    assert copie == {k: v.upper() for k, v in rendu.couleurs_statuts().items()}
    source = (STYLES / "rapport.typ").read_text(encoding="utf-8")
    texte = re.search(r'#let bilan-texte-statut = rgb\("(#[0-9A-Fa-f]{6})"\)', source)
    assert texte and texte.group(1).upper() == rendu.couleur_texte_statuts().upper()


def test_palette_invalide_refusee(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    faux = tmp_path / "statuts.yml"
    faux.write_text('texte: "#000000"\ncategories:\n  realise: vert\n', encoding="utf-8")
    monkeypatch.setattr(rendu, "FICHIER_STATUTS", faux)
    with pytest.raises(ValueError, match="realise"):
        rendu.couleurs_statuts()


def test_chaque_classe_du_markdown_a_son_style() -> None:
    """Toute classe qu'émet le paquet bilan est stylée en HTML (SCSS) et en Typst (filtre + fonction)."""
    blocs, spans = _liste_lua("BLOCS"), _liste_lua("SPANS")
    motif = re.compile(r"(?:::: ?\{\{?|\]\{\{?)((?:\s*\.[a-z][\w-]*(?:\{[a-z_]+\})?)+)")
    emises = set()
    for source in (RACINE / "bilan").glob("*.py"):
        for m in motif.finditer(source.read_text(encoding="utf-8")):
            emises.update(re.findall(r"\.([a-z][\w-]*)", m.group(1)))
    assert {"statut", "recommandations", "note-mesure", "couverture", "colophon", "majuscules"} <= emises
    # .majuscules : traduite par le filtre (#upper[…]) ; sans règle CSS, exprès (casse normale à l'écran).
    prises_en_charge = set(blocs) | set(spans) | {"statut", "statut-", "majuscules"}
    assert emises <= prises_en_charge, f"classes sans style PDF : {sorted(emises - prises_en_charge)}"

    css = re.sub(r"/\*.*?\*/", "", (STYLES / "rapport.css").read_text(encoding="utf-8"), flags=re.S)
    for classe in [*blocs, *spans, "statut", "mesure"]:
        if classe == "entetes-majuscules":
            continue  # capitales du PDF seulement
        assert re.search(rf"\.{re.escape(classe)}\b", css), f".{classe} absente de rapport.css"
    assert not re.search(r"\.majuscules\b", css), "le HTML garde la casse normale"
    cles = {nom: re.findall(r"^  ([\w-]+): corps =>", _dictionnaire_typst(nom), re.M)
            for nom in ("bilan-blocs", "bilan-spans", "bilan-pages")}
    assert sorted(cles["bilan-blocs"]) == sorted(blocs)
    assert sorted(cles["bilan-spans"]) == sorted(spans)
    assert sorted(cles["bilan-pages"]) == sorted(_liste_lua("PAGES"))
    assert set(_liste_lua("PAGES")) <= set(blocs)


# --- Configuration du livre -------------------------------------------------------------------------

def test_quarto_yml_livre_francais() -> None:
    config = _config()
    assert config["project"]["type"] == "book"
    assert config["project"]["output-dir"] == rendu.SORTIE_PAR_DEFAUT
    assert config["lang"] == "fr-CA"
    langue = config["language"]
    assert langue["crossref-tbl-title"] == "Tableau"
    assert langue["title-block-published"] == "Dépôt à l'Assemblée nationale"
    # « Figure » et « Table des matières » viennent de _language-fr.yml de Quarto : ne pas
    # les remplacer par autre chose.
    assert langue.get("crossref-fig-title", "Figure") == "Figure"
    assert langue.get("toc-title-document", "Table des matières") == "Table des matières"
    assert config["number-sections"] is False
    assert config["crossref"]["title-delim"] == "\u00a0:"


def test_quarto_yml_sans_metadonnees_d_edition() -> None:
    """Titre, sous-titre, auteur et date viennent du profil de l'édition, pas de _quarto.yml."""
    livre = _config()["book"]
    assert not {"title", "subtitle", "author", "date"} & set(livre)


def test_quarto_yml_n_execute_rien() -> None:
    assert _config()["execute"]["enabled"] is False


def test_quarto_yml_chapitres_ecrits_par_la_construction() -> None:
    """La liste des chapitres vient des notebooks (bilan.rendu.preparer_livre) ; pas d'annexes à la
    Quarto (préfixe « Annexe A — » et partie « Annexes » absents du rapport publié)."""
    livre = _config()["book"]
    assert "chapters" not in livre and "appendices" not in livre
    assert livre["output-file"] == integre.NOM_PDF


def test_quarto_yml_formats_et_fichiers_de_style() -> None:
    config = _config()
    assert set(config["format"]) >= {"html", "typst"}
    html, typst = config["format"]["html"], config["format"]["typst"]
    assert "styles/rapport.scss" in html["theme"] and html["css"] == "styles/rapport.css"
    assert typst["toc"] is True and typst["pdf-standard"] == "ua-1"
    references = [*html["theme"][1:], html["css"], typst["include-in-header"], *typst["template-partials"], *config["filters"]]
    for chemin in references:
        assert (RACINE / chemin).exists(), chemin
    # Le partiel remplace celui d'orange-book : il doit en porter le nom exact.
    assert [Path(p).name for p in typst["template-partials"]] == ["typst-show.typ"]
    # Le moteur intégré reçoit les mêmes fichiers Typst et les mêmes filtres.
    assert (STYLES / integre.ENTETE_TYPST) == RACINE / typst["include-in-header"]
    assert [f"styles/{f}" for f in integre.FILTRES_COMMUNS] == config["filters"]


def test_page_d_accueil_pointe_vers_le_pdf() -> None:
    import nbformat

    nb = nbformat.read(NOTEBOOKS / "01_presentation.ipynb", as_version=4)
    accueil = next(c.source for c in nb.cells if c.get("id") == "accueil")
    assert f"]({integre.NOM_PDF}.pdf)" in accueil
    assert 'when-format="html"' in accueil  # rien de ce texte dans le PDF


# --- 2. Pandoc seul ------------------------------------------------------------------------------------

def _elements(noeud: object, type_: str) -> list[dict]:
    trouves: list[dict] = []
    if isinstance(noeud, dict):
        if noeud.get("t") == type_:
            trouves.append(noeud)
        for valeur in noeud.values():
            trouves += _elements(valeur, type_)
    elif isinstance(noeud, list):
        for valeur in noeud:
            trouves += _elements(valeur, type_)
    return trouves


def test_fiche_lue_par_pandoc() -> None:
    import json

    ast = json.loads(_convertir(FICHE, "json"))
    titres = _elements(ast["blocks"], "Header")
    assert len(titres) == 1
    niveau, (ident, classes, _), contenu = titres[0]["c"]
    assert niveau == 2 and ident == "mesure-1" and "mesure" in classes
    spans = _elements(contenu, "Span")
    assert any("statut" in s["c"][0][1] and "statut-en_cours" in s["c"][0][1] for s in spans)
    assert len(_elements(ast["blocks"], "Table")) == 2
    divs = {c for d in _elements(ast["blocks"], "Div") for c in d["c"][0][1]}
    assert {"recommandations", "note-mesure"} <= divs


def test_filtre_typst_traduit_les_classes() -> None:
    """Les filtres tels que le moteur intégré les passe (Quarto fait lui-même ce que fait le premier)."""
    typ = _convertir(RAPPORT, "typst", "--lua-filter", str(STYLES / integre.FILTRE_INTEGRE),
                     "--lua-filter", str(STYLES / "typst-classes.lua"))
    assert '#bilan-statut("en_cours")[EN COURS]' in typ
    assert '#bilan-statut("a_faire")[À venir]' in typ
    for classe in ("signature", "slogan", "recommandations", "note-mesure"):
        assert f'#bilan-bloc("{classe}")[' in typ, classe
    # Couverture et colophon au premier niveau : une page chacun ; imbriqués : un encadré.
    assert '#bilan-bloc("couverture", page: true)[' in typ
    assert '#bilan-bloc("colophon", page: true)[' in typ
    assert '#bilan-bloc("colophon")[' in typ
    assert '#bilan-span("titre-plan")[' in typ
    assert typ.count("#bilan-avant-mesure()") == 1
    # Table des matières une fois, après le message (liminaire), avant le premier chapitre ; un
    # saut de page avant chaque chapitre du premier niveau.
    assert typ.count("#bilan-table-des-matieres()") == 1
    assert (typ.index('#bilan-bloc("colophon"') < typ.index("[#upper[Message du ministre]]")
            < typ.index("#bilan-table-des-matieres()") < typ.index("= #upper[En matière de recherche]"))
    assert typ.count("#bilan-avant-chapitre()") == 2  # pas devant le titre imbriqué
    # Capitales de mise en forme ; liens vers un autre chapitre devenus internes.
    assert "#upper[Mesure n° 1]" in typ or "MESURE N° 1" in typ
    assert "#link(<recommandation-4>)" in typ


def test_filtre_traverse_content_visible() -> None:
    """Quarto remplace un Div .content-visible par son contenu : ce n'est pas un conteneur."""
    texte = '::: {.content-visible when-format="typst"}\n::: {.couverture}\nTitre\n:::\n:::\n\n# Chapitre\n'
    typ = _convertir(texte, "typst", "--lua-filter", str(STYLES / "typst-classes.lua"))
    assert '#bilan-bloc("couverture", page: true)[' in typ


def test_filtre_sans_effet_sur_le_html() -> None:
    filtre = str(STYLES / "typst-classes.lua")
    html = _convertir(RAPPORT, "html", "--lua-filter", filtre)
    assert html == _convertir(RAPPORT, "html")
    assert 'class="statut statut-en_cours"' in html and "bilan-" not in html


def test_pdf_typst_compile(tmp_path: Path) -> None:
    """Le corps filtré, styles/rapport.typ et le partiel styles/typst-show.typ compilent ensemble,
    par le modèle du moteur intégré (styles/modele-integre.typ, ordre du modèle Typst de Quarto),
    au standard PDF/UA-1 ; un titre de niveau 1 dans un bloc ne fait pas échouer la composition."""
    import typst

    source = tmp_path / "rapport.typ"
    _convertir(
        RAPPORT + "\n## Recommandation n° 4 {#recommandation-4}\n\nTexte.\n", "typst", "-s",
        "--template", str(STYLES / integre.MODELE_TYPST),
        "--lua-filter", str(STYLES / integre.FILTRE_INTEGRE),
        "--lua-filter", str(STYLES / "typst-classes.lua"),
        "--include-in-header", str(STYLES / "rapport.typ"),
        "-M", "title=Briser le cycle de l'exploitation sexuelle", "-M", "lang=fr-CA",
        "-M", "author=Ministère de la Sécurité publique", "-M", "toc=true", "-M", "toc-depth=1",
        "-o", str(source),
    )
    texte = source.read_text(encoding="utf-8")
    assert "#show: bilan-rapport.with(" in texte and 'langue: "fr"' in texte
    pdf = tmp_path / "rapport.pdf"
    typst.compile(str(source), output=str(pdf), pdf_standards=["ua-1"])
    assert pdf.read_bytes()[:5] == b"%PDF-"


# --- 3. Avec Quarto -------------------------------------------------------------------------------------

@pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="Quarto absent : le rendu HTML/PDF n'est pas testé sur cette machine (installer Quarto 1.10)",
)
def test_construction_2024_rend_html_et_pdf() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bilan", "construire", "params/2024.yml"],
        cwd=RACINE, capture_output=True, text=True, timeout=3600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    sortie = RACINE / "_build" / "2024" / "rapport"
    accueil = sortie / "index.html"
    assert accueil.exists()
    assert re.search(r'<html[^>]*\blang="fr', accueil.read_text(encoding="utf-8"))

    pages = {p: p.read_text(encoding="utf-8") for p in sortie.rglob("*.html")}
    normaliser = lambda s: s.replace("\u00a0", " ").replace("\u202f", " ").replace("&nbsp;", " ")
    tout = "\n".join(normaliser(t) for t in pages.values())
    assert re.search(r"Tableau\s+\d", tout), "aucune légende « Tableau n »"
    # Titres de fiche en casse normale, mis en capitales par la feuille de style (.majuscules) :
    # un lecteur d'écran lit « Mesure numéro 1 », pas « M-E-S-U-R-E ».
    assert re.search(r'<h2[^>]*class="mesure[^"]*"[^>]*><span class="majuscules">Mesure n° 1</span>', tout)
    assert 'class="statut statut-' in tout

    pdfs = list(sortie.glob("*.pdf"))
    assert pdfs, "aucun PDF"
    assert max(p.stat().st_size for p in pdfs) > 10_000
