"""Fidélité du texte : le rapport construit dit, section par section, ce que dit le rapport publié.

Exigence : « Le texte du rapport construit correspond, section par section, à celui du rapport
publié, une fois normalisés les espaces et l'écriture des nombres ; le test liste les écarts,
et les seuls admis sont documentés dans une liste revue. »

- Texte publié : tests/publie/rapport-2024.txt (source et empreinte dans tests/publie/README.md ;
  ``$BILAN_TEXTE_PUBLIE`` pour un autre fichier),
  découpé en sections par ``bilan.texte.decouper_publie``.
- Texte construit : les notebooks exécutés de la construction de session (fixture
  ``construction_2024`` de conftest.py), Markdown et sorties Markdown, shortcodes
  ``{{< var … >}}`` remplacés depuis ``_variables.yml``, convertis en texte brut par pandoc.
- Écarts admis : tests/ecarts_autorises.yml (liste revue, chaque entrée avec sa raison).

Un écart de formulation du texte narratif se corrige dans la cellule Markdown du notebook ;
un écart de fiche, de tableau ou d'annexe se corrige dans le code ou les données ; seul un
écart légitime (mise en page, texte perdu par la source, ajout demandé) entre dans la liste.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bilan.texte import (
    SECTIONS,
    Ecart,
    VariableInconnue,
    comparer,
    decouper_publie,
    mots,
    mots_et_cellules,
    texte_brut_notebook,
)

pytest.importorskip("pypandoc", reason="pypandoc-binary (dépendance de développement) fournit pandoc")

# Fichier du projet : un texte absent fait échouer les tests, il ne les saute pas.
TEXTE_PUBLIE = Path(os.environ.get("BILAN_TEXTE_PUBLIE", Path(__file__).parent / "publie" / "rapport-2024.txt"))
LISTE = Path(__file__).with_name("ecarts_autorises.yml")
CLES = [s.cle for s in SECTIONS]
CATEGORIES = {"mise_en_page", "perdu_dans_la_source", "ajout_demande", "note_de_bas_de_page", "typographie"}
CHAMPS = {"section", "publie", "construit", "motif", "egaux_sans", "cellules", "categorie", "raison"}


# --- Liste des écarts autorisés -----------------------------------------------------------------


@dataclass(frozen=True)
class Autorisation:
    """Une entrée de tests/ecarts_autorises.yml, compilée."""

    rang: int
    sections: tuple[str, ...]
    publie: str | None
    construit: str | None
    motif_publie: re.Pattern[str] | None
    motif_construit: re.Pattern[str] | None
    egaux_sans: str
    cellules: re.Pattern[str] | None
    categorie: str
    raison: str

    def couvre(self, ecart: Ecart) -> bool:
        """L'écart est-il celui que cette entrée autorise ?"""
        if ecart.section not in self.sections:
            return False
        if self.cellules is not None and not (ecart.cellules and all(self.cellules.fullmatch(c) for c in ecart.cellules)):
            return False
        if self.motif_publie is not None and self.motif_construit is not None:
            if not (self.motif_publie.fullmatch(ecart.publie) and self.motif_construit.fullmatch(ecart.construit)):
                return False
            if self.egaux_sans:
                retrait = str.maketrans("", "", self.egaux_sans)
                return ecart.publie.translate(retrait) == ecart.construit.translate(retrait)
            return True
        return ecart.publie == self.publie and ecart.construit == self.construit

    def decrire(self) -> str:
        quoi = (f"motif publié /{self.motif_publie.pattern}/, construit /{self.motif_construit.pattern}/"
                if self.motif_publie is not None and self.motif_construit is not None
                else f"publié « {self.publie} », construit « {self.construit} »")
        return f"entrée n° {self.rang} ({', '.join(self.sections)}) : {quoi}"


def _compiler(motif: Any, ou: str, erreurs: list[str]) -> re.Pattern[str] | None:
    if not isinstance(motif, str):
        erreurs.append(f"{ou} : une expression régulière (texte) est attendue")
        return None
    try:
        return re.compile(motif)
    except re.error as err:
        erreurs.append(f"{ou} : expression régulière invalide ({err})")
        return None


def lire_liste(chemin: Path = LISTE) -> tuple[list[Autorisation], list[str]]:
    """Les entrées de la liste et les défauts de forme trouvés (liste vide si tout va bien)."""
    donnees = yaml.safe_load(chemin.read_text(encoding="utf-8")) or []
    erreurs: list[str] = []
    entrees: list[Autorisation] = []
    if not isinstance(donnees, list):
        return [], [f"{chemin.name} : une liste d'entrées est attendue"]
    for rang, e in enumerate(donnees, start=1):
        ou = f"{chemin.name}, entrée n° {rang}"
        if not isinstance(e, dict):
            erreurs.append(f"{ou} : un dictionnaire est attendu")
            continue
        if inconnus := set(e) - CHAMPS:
            erreurs.append(f"{ou} : champ(s) inconnu(s) {sorted(inconnus)}")
        sections = e.get("section")
        sections = (sections,) if isinstance(sections, str) else tuple(sections or ())
        if not sections or any(s not in CLES for s in sections):
            erreurs.append(f"{ou} : section(s) inconnue(s) {sections!r} ; attendu parmi {CLES}")
        if not str(e.get("raison") or "").strip():
            erreurs.append(f"{ou} : raison manquante")
        if e.get("categorie") not in CATEGORIES:
            erreurs.append(f"{ou} : catégorie {e.get('categorie')!r} hors de {sorted(CATEGORIES)}")
        motif_p = motif_c = None
        if "motif" in e:
            if "publie" in e or "construit" in e:
                erreurs.append(f"{ou} : « motif » exclut « publie » et « construit »")
            m = e["motif"] if isinstance(e["motif"], dict) else {}
            if set(m) != {"publie", "construit"}:
                erreurs.append(f"{ou} : « motif » demande exactement « publie » et « construit »")
            motif_p = _compiler(m.get("publie"), f"{ou}, motif publie", erreurs)
            motif_c = _compiler(m.get("construit"), f"{ou}, motif construit", erreurs)
        else:
            if "egaux_sans" in e:
                erreurs.append(f"{ou} : « egaux_sans » ne s'emploie qu'avec « motif »")
            if not isinstance(e.get("publie"), str) or not isinstance(e.get("construit"), str):
                erreurs.append(f"{ou} : « publie » et « construit » (textes, éventuellement vides) sont requis")
            elif e["publie"] == e["construit"]:
                erreurs.append(f"{ou} : « publie » et « construit » identiques : ce n'est pas un écart")
            elif " ".join(e["publie"].split()) != e["publie"] or " ".join(e["construit"].split()) != e["construit"]:
                erreurs.append(f"{ou} : textes non normalisés (espaces doubles ou en bordure)")
        cellules = _compiler(e["cellules"], f"{ou}, cellules", erreurs) if "cellules" in e else None
        entrees.append(Autorisation(
            rang=rang, sections=sections,
            publie=e.get("publie"), construit=e.get("construit"),
            motif_publie=motif_p, motif_construit=motif_c,
            egaux_sans=str(e.get("egaux_sans") or ""), cellules=cellules,
            categorie=str(e.get("categorie")), raison=str(e.get("raison") or "").strip(),
        ))
    return entrees, erreurs


# --- Textes comparés --------------------------------------------------------------------------


@cache
def sections_publiees() -> dict[str, str]:
    return decouper_publie(TEXTE_PUBLIE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def variables_2024(construction_2024) -> dict[str, Any]:
    return yaml.safe_load((construction_2024["dossier"] / "_variables.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def textes_construits(construction_2024, variables_2024) -> dict[str, tuple[list[str], list[str]] | str]:
    """Pour chaque section : les mots construits et leurs cellules, ou pourquoi on ne les a pas."""
    dossier = construction_2024["dossier"] / "notebooks"
    resultat: dict[str, tuple[list[str], list[str]] | str] = {}
    for section in SECTIONS:
        chemin = dossier / section.notebook
        if not chemin.exists():
            resultat[section.cle] = f"notebook exécuté absent de la construction : {chemin.name}"
            continue
        try:
            resultat[section.cle] = mots_et_cellules(texte_brut_notebook(chemin, variables_2024))
        except VariableInconnue as err:
            resultat[section.cle] = str(err)
    return resultat


@pytest.fixture(scope="session")
def ecarts_2024(textes_construits) -> dict[str, list[Ecart] | str]:
    """Pour chaque section : ses écarts, ou le message qui dit pourquoi on n'a pas pu comparer."""
    resultat: dict[str, list[Ecart] | str] = {}
    for cle, texte in textes_construits.items():
        if isinstance(texte, str):
            resultat[cle] = texte
        else:
            resultat[cle] = comparer(cle, mots(sections_publiees()[cle]), texte[0], texte[1])
    return resultat


def _ecarts(ecarts_2024, cle: str) -> list[Ecart]:
    ecarts = ecarts_2024[cle]
    if isinstance(ecarts, str):
        pytest.fail(f"Section {cle} : comparaison impossible — {ecarts}")
    return ecarts


# --- Tests ----------------------------------------------------------------------------------------


def test_liste_des_ecarts_bien_formee():
    entrees, erreurs = lire_liste()
    assert not erreurs, "tests/ecarts_autorises.yml mal formée :\n" + "\n".join(erreurs)
    assert entrees, "liste vide"


def test_entree_motif_egaux_sans_et_cellules(tmp_path):
    chemin = tmp_path / "liste.yml"
    chemin.write_text(
        "- section: [04_axe1_recherche]\n"
        "  motif: {publie: '[^,]+', construit: '.*,.*'}\n"
        "  egaux_sans: ','\n"
        "  cellules: 'fiche-.+'\n"
        "  categorie: mise_en_page\n"
        "  raison: virgules entre organisations\n", encoding="utf-8")
    (virgules,), erreurs = lire_liste(chemin)
    assert erreurs == []
    assert virgules.couvre(Ecart("04_axe1_recherche", "d'action FRQSC", "d'action, FRQSC,", cellules=("fiche-1",)))
    assert not virgules.couvre(Ecart("04_axe1_recherche", "MJQ DPCP", "MJQ, DPPC,", cellules=("fiche-2",)))  # autre mot
    assert not virgules.couvre(Ecart("04_axe1_recherche", "d'action FRQSC", "d'action, FRQSC,", cellules=("recit-1",)))
    assert not virgules.couvre(Ecart("05_axe2_communication", "MSP", "MSP,", cellules=("fiche-3",)))


def test_liste_mal_formee_signalee(tmp_path):
    chemin = tmp_path / "liste.yml"
    chemin.write_text(
        "- section: 99_inconnue\n  publie: a\n  construit: a\n  categorie: autre\n"
        "- section: 03_bilan\n  motif: {publie: '(', construit: ''}\n  categorie: mise_en_page\n  raison: x\n",
        encoding="utf-8")
    _, erreurs = lire_liste(chemin)
    texte = "\n".join(erreurs)
    assert "section(s) inconnue(s)" in texte and "raison manquante" in texte and "catégorie" in texte
    assert "identiques" in texte and "expression régulière invalide" in texte


def test_texte_publie_decoupe_en_sections():
    publie = sections_publiees()
    assert list(publie) == CLES
    for section in SECTIONS:
        assert len(mots(publie[section.cle])) > 50, f"section publiée {section.cle} presque vide"
    assert "TABLE DES MATIÈRES" not in "\n".join(publie.values()), "la table des matières imprimée doit être écartée"
    assert "Mesure additionnelle" in publie["08_axe5_reconstruction"]


def _contient(suite: list[str], motif: list[str]) -> bool:
    n = len(motif)
    return any(suite[i:i + n] == motif for i in range(len(suite) - n + 1))


def test_chaque_section_publiee_est_dans_la_construction(construction_2024, textes_construits, ecarts_2024):
    """Chaque section publiée a son notebook exécuté, qui porte son titre et l'essentiel de son texte."""
    dossier = construction_2024["dossier"] / "notebooks"
    executes = sorted(p.stem for p in dossier.glob("[0-9][0-9]_*.ipynb"))
    assert executes == sorted(CLES), (
        "notebooks exécutés et sections du rapport publié ne se répondent pas :\n"
        f"  notebook sans section publiée : {sorted(set(executes) - set(CLES))}\n"
        f"  section publiée sans notebook : {sorted(set(CLES) - set(executes))}"
    )
    manques = []
    for section in SECTIONS:
        ecarts = ecarts_2024[section.cle]
        if isinstance(ecarts, str):
            manques.append(f"{section.cle} : {ecarts}")
            continue
        publie = mots(sections_publiees()[section.cle])
        titre = mots(section.entete or sections_publiees()[section.cle].strip().splitlines()[0])
        construit = textes_construits[section.cle][0]
        if not _contient(construit, titre):
            manques.append(f"{section.cle} : titre « {' '.join(titre)} » absent du notebook exécuté")
        differents = sum(len(e.publie.split()) for e in ecarts)
        if differents > len(publie) // 5:
            manques.append(f"{section.cle} : {differents} des {len(publie)} mots publiés ne se retrouvent pas dans le texte construit")
    assert not manques, "Sections du rapport publié absentes ou presque de la construction :\n" + "\n".join(manques)


@pytest.mark.parametrize("cle", CLES)
def test_texte_de_la_section_fidele_au_rapport_publie(cle, ecarts_2024):
    entrees, erreurs = lire_liste()
    assert not erreurs, "tests/ecarts_autorises.yml mal formée (voir test_liste_des_ecarts_bien_formee)"
    non_couverts = [e for e in _ecarts(ecarts_2024, cle) if not any(a.couvre(e) for a in entrees)]
    if non_couverts:
        titre = next(s.titre for s in SECTIONS if s.cle == cle)
        pytest.fail(
            f"Section « {titre} » ({cle}.ipynb) : {len(non_couverts)} écart(s) avec le rapport publié "
            "non autorisé(s) par tests/ecarts_autorises.yml.\n"
            "Corriger le texte narratif dans la cellule Markdown du notebook, la fiche ou le tableau dans "
            "le code ou les données ; n'ajouter à la liste qu'un écart légitime, avec sa raison.\n\n"
            + "\n\n".join(e.decrire() for e in non_couverts),
            pytrace=False,
        )


def test_aucune_entree_perimee(ecarts_2024):
    """Chaque entrée de la liste couvre encore au moins un écart dans chacune de ses sections."""
    entrees, erreurs = lire_liste()
    assert not erreurs, "tests/ecarts_autorises.yml mal formée (voir test_liste_des_ecarts_bien_formee)"
    comparables = {cle: e for cle, e in ecarts_2024.items() if not isinstance(e, str)}
    perimees = [
        f"{a.decrire()} — ne couvre plus aucun écart dans la section {cle}"
        for a in entrees for cle in a.sections
        if cle in comparables and not any(a.couvre(e) for e in comparables[cle])
    ]
    assert not perimees, (
        "Entrées périmées de tests/ecarts_autorises.yml (l'écart a disparu : retirer l'entrée, "
        "ou la corriger si l'écart a changé de forme) :\n" + "\n".join(perimees)
    )
