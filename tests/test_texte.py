"""Tests de bilan.texte : extraction, normalisation et comparaison des textes (sans construction)."""

from __future__ import annotations

import pytest

from bilan import texte
from bilan.texte import (
    SECTIONS,
    Bloc,
    DecoupageImpossible,
    Ecart,
    Section,
    VariableInconnue,
    blocs_notebook,
    comparer,
    decouper_publie,
    imiter_quarto,
    markdown_notebook,
    mots,
    mots_et_cellules,
    normaliser,
    remplacer_variables,
    valeur_variable,
)

NBSP, NNBSP = "\u00a0", "\u202f"

# --- Normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("brut", "attendu"),
    [
        # espaces : tabulations, insécables, fines, fins de ligne
        ("PORTEUR\tCOLLABORATEURS\t\tBUDGET", "PORTEUR COLLABORATEURS BUDGET"),
        (f"58{NBSP}%  des\n\nmesures{NNBSP};", "58 % des mesures ;"),
        ("  bord  ", "bord"),
        # dollar échappé
        ("1 953 200 \\$", "1953200 $"),
        ("Près de 6 M\\$ attribués", "Près de 6 M$ attribués"),
        # exposants, sous toutes leurs écritures
        ("Au 1^{er} septembre", "Au 1er septembre"),
        ("Au 1^er^ septembre", "Au 1er septembre"),
        ("Au 1^(er) septembre", "Au 1er septembre"),
        ("recommandations n ^{os} 5, 13 et 55", "recommandations nos 5, 13 et 55"),
        ("capsules n^{os} 1 et 2", "capsules nos 1 et 2"),
        ("Tour du Saint-Laurent, 10^e étage", "Tour du Saint-Laurent, 10e étage"),
        ("recommandation n ^o 8", "recommandation no 8"),
        # apostrophes
        ("l\u2019avant de l'exploitation", "l'avant de l'exploitation"),
        # emphase et balises
        ("au *Code criminel* de même", "au Code criminel de même"),
        ("- **Ministère de la Sécurité publique (ministère porteur);**", "- Ministère de la Sécurité publique (ministère porteur);"),
        ("\t<p>Près de 6 M$.</p>", "Près de 6 M$."),
        ("formateurs <i>Prévention et intervention</i> du", "formateurs Prévention et intervention du"),
        # séparateurs de milliers de toute sorte
        (f"1{NBSP}953{NBSP}200{NBSP}$", "1953200 $"),
        (f"12{NNBSP}000 personnes", "12000 personnes"),
        ("2 600 reprises", "2600 reprises"),
        ("12000 personnes", "12000 personnes"),
    ],
)
def test_normaliser(brut, attendu):
    assert normaliser(brut) == attendu


@pytest.mark.parametrize(
    "brut",
    [
        "MESURE N° 10 – RÉALISÉE*",  # astérisque d'appel de note : gardé
        "* Il est à noter que cette mesure",  # astérisque de note : gardé
        "1,5 million de dollars",  # virgule décimale : intacte
        "« à venir »",  # guillemets : intacts
        "depuis 2021...",  # points : intacts
        "C³ESSES",  # exposant Unicode d'un sigle : intact
        "recommandations¹.",  # appel de note : intact
    ],
)
def test_normaliser_ne_retire_ni_mot_ni_ponctuation(brut):
    assert normaliser(brut) == brut


def test_milliers_ni_annees_ni_colonnes():
    # Une année ne commence pas un groupe ; tabulation et espaces multiples (colonnes) ne soudent pas.
    assert normaliser("en 2023 2 400 personnes") == "en 2023 2400 personnes"
    assert normaliser("2024\t16\t42 %") == "2024 16 42 %"
    assert normaliser("Total   38   100 %") == "Total 38 100 %"
    assert normaliser("entre 2021 et 2024, 230 personnes") == "entre 2021 et 2024, 230 personnes"


def test_normaliser_idempotente():
    brut = "Au 1^{er} septembre\t2024, 1 953 200 \\$ *partagés* n ^{os} 3 l\u2019avant"
    assert normaliser(normaliser(brut)) == normaliser(brut)


def test_mots():
    assert mots("MESURE N° 1 – EN COURS\t\tEn réponse") == ["MESURE", "N°", "1", "–", "EN", "COURS", "En", "réponse"]


# --- Découpage du texte publié ----------------------------------------------------------------

SECTIONS_TEST = (
    Section("01_debut", "Début", None),
    Section("02_intro", "Introduction", "INTRODUCTION"),
    Section("03_annexe", "Annexe", "ANNEXE 2 – Membres du comité constitué en 2020"),
)


def test_decouper_publie_saute_la_table_des_matieres():
    publie = "\n".join([
        "TITRE DU PLAN", "Message du ministre", "TABLE DES MATIÈRES", "INTRODUCTION\t4",
        "ANNEXE 2 – Membres du comité constitué en 2020\t59", "", "INTRODUCTION", "Texte de l\u2019introduction.",
        "ANNEXE 2 – Membres du comité constitué en 2020³", "- Ministère;", "³ Note.",
    ])
    sections = decouper_publie(publie, SECTIONS_TEST)
    assert list(sections) == ["01_debut", "02_intro", "03_annexe"]
    assert sections["01_debut"] == "TITRE DU PLAN\nMessage du ministre"
    assert sections["02_intro"] == "INTRODUCTION\nTexte de l\u2019introduction."
    assert sections["03_annexe"].startswith("ANNEXE 2 – Membres du comité constitué en 2020³\n")
    assert "TABLE DES MATIÈRES" not in "".join(sections.values())


def test_decouper_publie_titre_manquant():
    with pytest.raises(DecoupageImpossible, match="INTRODUCTION"):
        decouper_publie("TITRE\nANNEXE 2 – Membres du comité constitué en 2020\n", SECTIONS_TEST)


def test_decouper_publie_ordre_inattendu():
    with pytest.raises(DecoupageImpossible, match="ordre"):
        decouper_publie("TITRE\nANNEXE 2 – Membres du comité constitué en 2020\nINTRODUCTION\n", SECTIONS_TEST)


def test_sections_du_rapport():
    assert [s.notebook for s in SECTIONS][:3] == ["01_presentation.ipynb", "02_introduction.ipynb", "03_bilan.ipynb"]
    assert len(SECTIONS) == 13 and SECTIONS[0].entete is None
    assert len({s.cle for s in SECTIONS}) == 13


# --- Texte construit ------------------------------------------------------------------------------

VARIABLES = {"date_reference": "1er septembre 2024", "mesures": {"total": "38", "realise": {"pourcentage": f"58{NBSP}%"}}}


def test_variables_remplacees():
    source = "Au {{< var date_reference >}}, {{<var mesures.realise.pourcentage>}} des {{< var mesures.total >}} mesures"
    assert remplacer_variables(source, VARIABLES) == f"Au 1er septembre 2024, 58{NBSP}% des 38 mesures"
    assert valeur_variable(VARIABLES, "mesures.total") == "38"


@pytest.mark.parametrize("nom", ["mesures.inconnu", "inconnue", "mesures.realise", "mesures.total.trop"])
def test_variable_inconnue(nom):
    with pytest.raises(VariableInconnue) as err:
        remplacer_variables(f"x {{{{< var {nom} >}}}} y", VARIABLES, ou="03_bilan.ipynb, cellule « ouverture »")
    assert err.value.nom == nom
    assert "03_bilan.ipynb" in str(err.value) and nom in str(err.value)


def _notebook():
    return {"cells": [
        {"cell_type": "code", "id": "parametres", "source": "parametres = 'x'", "outputs": []},
        {"cell_type": "markdown", "id": "titre", "source": ["# TITRE\n", "\n", "Au {{< var date_reference >}}."]},
        {"cell_type": "code", "id": "fiche-1", "source": "ctx.fiche('1')", "outputs": [
            {"output_type": "stream", "name": "stdout", "text": "bruit"},
            {"output_type": "execute_result", "data": {"text/plain": "<Markdown>", "text/markdown": ["## MESURE N° 1\n", "Texte"]}},
        ]},
        {"cell_type": "raw", "id": "brut", "source": "ignoré"},
    ]}


def test_blocs_notebook():
    blocs = blocs_notebook(_notebook(), VARIABLES, "01_x.ipynb")
    assert blocs == [
        Bloc("titre", "markdown", "# TITRE\n\nAu 1er septembre 2024."),
        Bloc("fiche-1", "sortie", "## MESURE N° 1\nTexte"),
    ]
    assert markdown_notebook(_notebook(), VARIABLES) == "# TITRE\n\nAu 1er septembre 2024.\n\n## MESURE N° 1\nTexte"


def test_blocs_notebook_variable_inconnue_nomme_la_cellule():
    nb = {"cells": [{"cell_type": "markdown", "id": "ouverture", "source": "{{< var absente >}}"}]}
    with pytest.raises(VariableInconnue, match="03_bilan.ipynb, cellule « ouverture »"):
        blocs_notebook(nb, VARIABLES, "03_bilan.ipynb")


def test_imiter_quarto():
    md = ('![Statut des mesures](figures/statut-mesures.svg){#fig-statut-mesures fig-alt="Diagramme"}\n\n'
          "| Statut | Nombre |\n|:--|--:|\n| Réalisées | 22 |\n\n: Statut des mesures : nombres {#tbl-statut}\n")
    assert imiter_quarto(md) == ("Statut des mesures\n\n"
                                 "Statut des mesures : nombres\n\n| Statut | Nombre |\n|:--|--:|\n| Réalisées | 22 |\n\n")


# --- Pandoc -----------------------------------------------------------------------------------------


@pytest.fixture
def pandoc():
    pytest.importorskip("pypandoc", reason="pypandoc-binary (dépendance de développement) fournit pandoc")


def test_en_texte_brut(pandoc):
    md = ("## MESURE N° 1 – [EN COURS]{.statut .statut-en_cours} {#mesure-1 .mesure}\n\n"
          "::: {.recommandations}\nEn réponse à la recommandation n°\u00a0[4](annexe.ipynb#recommandation-4)\n:::\n\n"
          "| PORTEUR | BUDGET ATTRIBUÉ |\n|:---|---:|\n| MSP | 1\u00a0953\u00a0200\u00a0$ |\n\n"
          "Texte avec note[^1].\n\n[^1]: La note.\n")
    brut = texte.en_texte_brut(md)
    assert "{" not in brut and "---" not in brut and "annexe.ipynb" not in brut
    assert mots(brut) == ["MESURE", "N°", "1", "–", "EN", "COURS", "En", "réponse", "à", "la", "recommandation", "n°", "4",
                          "PORTEUR", "BUDGET", "ATTRIBUÉ", "MSP", "1953200", "$", "Texte", "avec", "note[1].", "[1]", "La", "note."]


def test_texte_brut_blocs_rattache_chaque_mot_a_sa_cellule(pandoc):
    blocs = [Bloc("titre", "markdown", "# TITRE {#sec-x}"), Bloc("fiche-1", "sortie", "**Soutenir** la *recherche*."),
             Bloc("recit-1", "markdown", "- un\n- deux")]
    tous, cellules = mots_et_cellules(texte.texte_brut_blocs(blocs))
    assert tous == ["TITRE", "Soutenir", "la", "recherche.", "-", "un", "-", "deux"]
    assert cellules == ["titre", "fiche-1", "fiche-1", "fiche-1", "recit-1", "recit-1", "recit-1", "recit-1"]


# --- Comparaison -------------------------------------------------------------------------------------


def test_comparer_sans_ecart():
    assert comparer("s", ["a", "b"], ["a", "b"]) == []


def test_comparer_trois_natures():
    publie = "un deux trois quatre cinq six sept".split()
    construit = "un deux TROIS quatre six sept huit".split()
    ecarts = comparer("s", publie, construit, contexte=2)
    assert [(e.nature, e.publie, e.construit) for e in ecarts] == [
        ("remplacement", "trois", "TROIS"), ("omission", "cinq", ""), ("ajout", "", "huit")]
    assert (ecarts[0].avant, ecarts[0].apres) == ("un deux", "quatre cinq")
    assert "publié    : « trois »" in ecarts[0].decrire() and "construit : (rien)" in ecarts[1].decrire()


def test_comparer_coupe_un_ajout_par_cellule():
    publie = ["Titre", "Fin"]
    construit = ["Titre", "a", "b", "c", "Fin"]
    ecarts = comparer("s", publie, construit, ["t", "x", "x", "y", "f"])
    assert [(e.construit, e.cellules) for e in ecarts] == [("a b", ("x",)), ("c", ("y",))]


def test_comparer_recale_un_ajout_dans_une_repetition():
    publie = "Statut de mise en œuvre Statut de production Quelques".split()
    construit = "Statut de mise en œuvre Statut de mise en œuvre : nombres Statut de production Quelques".split()
    ecarts = comparer("s", publie, construit)
    assert len(ecarts) == 1
    assert ecarts[0].construit == "Statut de mise en œuvre : nombres"
    assert ecarts[0].apres.startswith("Statut de production")


def test_comparer_cellules_de_longueur_differente():
    with pytest.raises(ValueError):
        comparer("s", ["a"], ["a", "b"], ["x"])


def test_ecart_decrire_nomme_les_cellules():
    e = Ecart("03_bilan", "", "Statut", "LIVRABLES", "Production", ("fiche-1",))
    assert e.nature == "ajout"
    assert "[03_bilan] ajout" in e.decrire() and "cellule(s) : fiche-1" in e.decrire()
