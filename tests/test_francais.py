"""Tests de bilan.francais : chaque règle de FRENCH.md, avec des valeurs du rapport."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from bilan import francais
from bilan.francais import NBSP, NNBSP

# --- Constantes --------------------------------------------------------------------------


def test_constantes_espaces() -> None:
    assert NBSP == "\u00a0"
    assert NNBSP == "\u202f"


# --- Nombres -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "attendu"),
    [
        (0, "0"),
        (38, "38"),
        (12000, f"12{NBSP}000"),
        (1953200, f"1{NBSP}953{NBSP}200"),
        (np.int64(94), "94"),  # valeurs venues de pandas
    ],
)
def test_nombre(n: int, attendu: str) -> None:
    assert francais.nombre(n) == attendu


def test_nombre_refuse_les_flottants() -> None:
    with pytest.raises(TypeError):
        francais.nombre(12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dollars", "attendu"),
    [
        (1953200, f"1{NBSP}953{NBSP}200{NBSP}$"),
        (50000, f"50{NBSP}000{NBSP}$"),
        (2903063, f"2{NBSP}903{NBSP}063{NBSP}$"),
        (148786925, f"148{NBSP}786{NBSP}925{NBSP}$"),
        (0, f"0{NBSP}$"),
    ],
)
def test_montant(dollars: int, attendu: str) -> None:
    assert francais.montant(dollars) == attendu


def test_montant_sans_decimales_ni_espace_ordinaire() -> None:
    texte = francais.montant(1953200)
    assert "," not in texte and " " not in texte


@pytest.mark.parametrize(
    ("dollars", "attendu"),
    [
        (148786925, f"148,8{NBSP}M$"),
        (150000000, f"150,0{NBSP}M$"),
        (1250000, f"1,3{NBSP}M$"),  # 1,25 → 1,3 : demi supérieur, pas au pair
        (1234500000, f"1{NBSP}234,5{NBSP}M$"),
    ],
)
def test_montant_abrege(dollars: int, attendu: str) -> None:
    assert francais.montant_abrege(dollars) == attendu


def test_montant_abrege_sans_decimale() -> None:
    assert francais.montant_abrege(148786925, decimales=0) == f"149{NBSP}M$"


# --- Pourcentages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "total", "attendu"),
    [
        (22, 38, 58),
        (16, 38, 42),
        (1, 38, 3),
        (2, 38, 5),
        (55, 94, 59),  # 58,51
        (3, 10, 30),
        (1, 8, 13),  # 12,5 : round() donnerait 12
        (5, 8, 63),  # 62,5 : round() donnerait 62
        (0, 38, 0),
        (38, 38, 100),
    ],
)
def test_pourcentage_entier_arrondi_demi_superieur(part: int, total: int, attendu: int) -> None:
    assert francais.pourcentage_entier(part, total) == attendu


@pytest.mark.parametrize(
    ("part", "total", "attendu"),
    [(22, 38, "58"), (16, 38, "42"), (1, 38, "3"), (2, 38, "5"), (55, 94, "59"), (3, 10, "30")],
)
def test_pourcentage_texte(part: int, total: int, attendu: str) -> None:
    assert francais.pourcentage(part, total) == f"{attendu}{NBSP}%"


def test_pourcentage_accepte_les_entiers_numpy() -> None:
    assert francais.pourcentage(np.int64(22), np.int64(38)) == f"58{NBSP}%"


def test_pourcentage_total_nul() -> None:
    with pytest.raises(ValueError, match="total"):
        francais.pourcentage(0, 0)
    with pytest.raises(ValueError, match="total"):
        francais.pourcentage_entier(3, 0)


def test_pourcentage_part_hors_bornes() -> None:
    with pytest.raises(ValueError, match="part"):
        francais.pourcentage_entier(39, 38)
    with pytest.raises(ValueError, match="part"):
        francais.pourcentage_entier(-1, 38)


# --- Dates et listes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "attendu"),
    [
        (datetime.date(2024, 9, 1), "1er septembre 2024"),
        (datetime.date(2024, 2, 7), "7 février 2024"),
        (datetime.date(2024, 12, 31), "31 décembre 2024"),
        (datetime.date(2021, 8, 11), "11 août 2021"),
    ],
)
def test_date_longue(d: datetime.date, attendu: str) -> None:
    assert francais.date_longue(d) == attendu


def test_date_longue_markdown() -> None:
    assert francais.date_longue(datetime.date(2024, 9, 1), markdown=True) == "1^er^ septembre 2024"
    assert francais.date_longue(datetime.date(2024, 2, 7), markdown=True) == "7 février 2024"


def test_date_longue_accepte_datetime() -> None:
    assert francais.date_longue(datetime.datetime(2024, 9, 1, 12, 0)) == "1er septembre 2024"


def test_mois_annee() -> None:
    assert francais.mois_annee(datetime.date(2024, 12, 1)) == "décembre 2024"
    assert francais.mois_annee(datetime.date(2024, 2, 15)) == "février 2024"


@pytest.mark.parametrize(
    ("elements", "attendu"),
    [
        ([], ""),
        (["5"], "5"),
        (["5", "13"], "5 et 13"),
        (["5", "13", "55"], "5, 13 et 55"),
        (("A1", "A2", "A3", "A4"), "A1, A2, A3 et A4"),
    ],
)
def test_liste(elements: list[str], attendu: str) -> None:
    assert francais.liste(elements) == attendu


# --- Typographie du texte ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        # deux-points : U+00A0, espace ordinaire remplacée ou ajoutée
        ("Porteur : MSP", f"Porteur{NBSP}: MSP"),
        ("Porteur: MSP", f"Porteur{NBSP}: MSP"),
        (f"Porteur{NNBSP}: MSP", f"Porteur{NBSP}: MSP"),
        ("**Porteur :** MSP", f"**Porteur{NBSP}:** MSP"),
        ("**Porteur**: MSP", f"**Porteur**{NBSP}: MSP"),
        ("Collaborateurs :\n", f"Collaborateurs{NBSP}:\n"),
        ("Budget :", f"Budget{NBSP}:"),
        # ; ! ? : U+202F
        ("Pourquoi ?", f"Pourquoi{NNBSP}?"),
        ("Pourquoi?", f"Pourquoi{NNBSP}?"),
        (f"Pourquoi{NBSP}?", f"Pourquoi{NNBSP}?"),
        ("Attention! Voici", f"Attention{NNBSP}! Voici"),
        ("la prévention; la répression", f"la prévention{NNBSP}; la répression"),
        ("Vraiment?!", f"Vraiment{NNBSP}?!"),
        ("(pourquoi?)", f"(pourquoi{NNBSP}?)"),
        # guillemets
        ("« à venir »", f"«{NBSP}à venir{NBSP}»"),
        ("«à venir»", f"«{NBSP}à venir{NBSP}»"),
        (f"«{NNBSP}À venir{NNBSP}»", f"«{NBSP}À venir{NBSP}»"),
        # pour cent et dollar
        ("58 % des mesures", f"58{NBSP}% des mesures"),
        ("58% des mesures", f"58{NBSP}% des mesures"),
        ("40,6 %", f"40,6{NBSP}%"),
        ("un budget de 50 000 $", f"un budget de 50 000{NBSP}$"),
        ("1 953 200$", f"1 953 200{NBSP}$"),
        ("148,8 M$", f"148,8{NBSP}M$"),
        # numéros
        ("mesure n° 4", f"mesure n°{NBSP}4"),
        ("mesure n°4", f"mesure n°{NBSP}4"),
        ("mesure n° A1", f"mesure n°{NBSP}A1"),
        ("mesures n^os^ 5, 13 et 55", f"mesures n^os^{NBSP}5, 13 et 55"),
        ("Recommandation n^o^ 12", f"Recommandation n^o^{NBSP}12"),
        # montants écrits « \$ » en Markdown
        ("une aide de 323 000 \\$.", f"une aide de 323 000{NBSP}\\$."),
        ("Près de 6 M\\$ attribués", f"Près de 6{NBSP}M\\$ attribués"),
        # ordinaux en exposant (FRENCH.md : « 1er », « 2e », exposant à l'impression)
        ("Au 1er septembre 2024", "Au 1^er^ septembre 2024"),
        ("la 1re édition", "la 1^re^ édition"),
        ("2e secondaire", "2^e^ secondaire"),
        ("les 21es rencontres", "les 21^es^ rencontres"),
    ],
)
def test_typographie_regles(texte: str, attendu: str) -> None:
    assert francais.typographie(texte) == attendu


@pytest.mark.parametrize(
    "texte",
    [
        # URL, courriels, horaires
        "Voir https://www.quebec.ca/securite?id=4;x=2&y=3#a:b",
        "http://exemple.qc.ca:8080/chemin",
        "info@msp.gouv.qc.ca",
        "mailto:info@msp.gouv.qc.ca",
        "Service offert 24 h/24, 7 j/7",
        "de 8 h 30 à 16 h 30",
        "à 10:30",
        # Markdown et Quarto
        "![Logo du ministère](images/logo.png){width=50% fig-alt=\"Logo : MSP\"}",
        "# Axe 1 {#sec-axe1 .unnumbered}",
        "[ref]: https://www.quebec.ca",
        "::: {.callout-note}",
        "|:---|---:|:---:|",
        "`a: b; c! d?`",
        "```python\nx = {'a': 1}  # pourquoi? 50%\n```",
        "<span style=\"color: red;\">rouge</span>",
        "<!-- note: à revoir! -->",
        "&nbsp; &#8239; &amp;",
        "{{< var mesures.realise.pourcentage >}}",
        # texte échappé (bilan.markdown) : ni attribut, ni balise, ni code, ni shortcode
        "\\{\\{\\< var edition \\>\\}\\}",
        "\\<b\\>gras\\</b\\>",
        "[texte](https://x.ca/a?b=1 \"Titre: x\")",
        # rien à corriger
        "Réalisée (en partie)",
        "S. O.",
        "2^e^ secondaire",
        "Au 1^er^ septembre",
        "A1er B2e 1,5e 3.2e",
        "en 2024",
        "n° de téléphone",
    ],
)
def test_typographie_laisse_intact(texte: str) -> None:
    assert francais.typographie(texte) == texte


def test_typographie_autour_des_passages_proteges() -> None:
    texte = "Voir [le site](https://www.quebec.ca/a?b=1): ici. Courriel : info@msp.gouv.qc.ca!"
    attendu = (
        f"Voir [le site](https://www.quebec.ca/a?b=1){NBSP}: ici. "
        f"Courriel{NBSP}: info@msp.gouv.qc.ca{NNBSP}!"
    )
    assert francais.typographie(texte) == attendu


def test_typographie_url_en_fin_de_phrase() -> None:
    # Le point final n'appartient pas à l'URL ; la ponctuation qui suit est traitée.
    texte = "Consultez https://www.quebec.ca/securite. Pourquoi?"
    assert francais.typographie(texte) == f"Consultez https://www.quebec.ca/securite. Pourquoi{NNBSP}?"


def test_typographie_image_markdown_sans_espace_avant_le_point_d_exclamation() -> None:
    texte = "Voici![Figure](fig.svg)"
    assert francais.typographie(texte) == texte


EXEMPLES_RAPPORT = [
    "Porteur : MSP\n\nCollaborateurs : MSSS, MEQ",
    "Statut : « À venir »",
    "En réponse aux recommandations n^os^ 5, 13 et 55",
    "Budget attribué : 1 953 200 $ (148,8 M$ au total) ; 58 % réalisées!",
    "Pourquoi ? Parce que ; voilà !",
    "**Statut :** Réalisée (en partie)\n\n::: {.note-mesure}\n\\* Voir https://x.ca?a=1 !\n:::",
    "« Pourquoi? »",
    "Au 1^er^ septembre 2024, 22 mesures (58 %) étaient réalisées.",
]


@pytest.mark.parametrize("texte", EXEMPLES_RAPPORT)
def test_typographie_idempotente(texte: str) -> None:
    une_fois = francais.typographie(texte)
    assert francais.typographie(une_fois) == une_fois


def test_typographie_exemple_complet() -> None:
    texte = "Budget attribué : 1 953 200 $ (148,8 M$ au total) ; 58 % réalisées!"
    attendu = (
        f"Budget attribué{NBSP}: 1 953 200{NBSP}$ (148,8{NBSP}M$ au total){NNBSP}; "
        f"58{NBSP}% réalisées{NNBSP}!"
    )
    assert francais.typographie(texte) == attendu


def test_typographie_sorties_des_fonctions_inchangees() -> None:
    """Ce que produit le module est déjà typographié : typographie() n'y change rien."""
    sorties = [
        francais.montant(148786925),
        francais.montant_abrege(148786925),
        francais.pourcentage(22, 38),
        francais.date_longue(datetime.date(2024, 9, 1), markdown=True),
        francais.liste(["5", "13", "55"]),
    ]
    for s in sorties:
        assert francais.typographie(s) == s


def test_typographie_garde_les_caracteres_de_la_zone_privee() -> None:
    """Un texte qui emploie déjà la zone privée servant au masquage (plan 15) reste intact : le
    masquage passe au plan 16."""
    texte = "texte \U000f0000 et [lien](https://x.ca/a:b) ; fin"
    assert francais.typographie(texte) == "texte \U000f0000 et [lien](https://x.ca/a:b)\u202f; fin"
