"""Paramètres d'une édition : le fichier 2024 est conforme ; les erreurs courantes sont nommées."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bilan.parametres import ParametresInvalides, lire_parametres
from conftest import PARAMS_2024


def test_params_2024():
    p = lire_parametres("params/2024.yml")
    assert p.edition == "2024"
    assert p.date_reference == dt.date(2024, 9, 1)
    assert p.mois_depot == dt.date(2024, 12, 1)
    assert p.edition_precedente == "2022" and p.date_precedente is None
    assert p["rapport"]["titre"] == "Deuxième rapport de mise en œuvre"
    assert p.etat == "final" and not p.brouillon
    assert p.a_preciser == () and p.avertissements == ()


def _variante(tmp_path: Path, avant: str, apres: str) -> Path:
    texte = PARAMS_2024.read_text(encoding="utf-8")
    assert avant in texte
    chemin = tmp_path / "2026.yml"
    chemin.write_text(texte.replace(avant, apres, 1), encoding="utf-8")
    return chemin


def _problemes(chemin: Path) -> list[str]:
    with pytest.raises(ParametresInvalides) as exc:
        lire_parametres(chemin)
    return exc.value.problemes


def test_cle_manquante(tmp_path):
    chemin = _variante(tmp_path, "date_reference: 2024-09-01", "")
    assert "clé manquante : « date_reference »" in _problemes(chemin)


def test_cle_inconnue(tmp_path):
    chemin = _variante(tmp_path, "date_reference: 2024-09-01", "date_reference: 2024-09-01\ndate_referance: 2024-09-01")
    assert any("clé inconnue : « date_referance »" in p for p in _problemes(chemin))


def test_cle_inconnue_imbriquee(tmp_path):
    chemin = _variante(tmp_path, "  pdf: 978-2-550-99020-8", "  pdf: 978-2-550-99020-8\n  epub: 978-2-550-99021-5")
    assert any("clé inconnue : « isbn.epub »" in p for p in _problemes(chemin))


def test_date_invalide(tmp_path):
    chemin = _variante(tmp_path, "date_reference: 2024-09-01", "date_reference: 2024-09-31")
    assert any("« date_reference » : date invalide « 2024-09-31 »" in p for p in _problemes(chemin))


def test_mois_de_depot_invalide(tmp_path):
    chemin = _variante(tmp_path, 'mois_depot: "2024-12"', "mois_depot: décembre")
    assert any("« mois_depot » : mois attendu" in p for p in _problemes(chemin))


def test_edition_precedente_posterieure(tmp_path):
    chemin = _variante(tmp_path, "  date_reference: null", "  date_reference: 2025-01-01")
    assert any("doit précéder" in p for p in _problemes(chemin))


def test_isbn_mal_forme(tmp_path):
    chemin = _variante(tmp_path, "imprime: 978-2-550-99019-2", "imprime: 2-550-99019")
    assert any("isbn.imprime" in p for p in _problemes(chemin))


def test_fichier_introuvable(tmp_path):
    assert any("introuvable" in p for p in _problemes(tmp_path / "1999.yml"))


def _brouillon(tmp_path: Path, etat: str = "brouillon") -> Path:
    """L'édition 2024 où quatre faits (entier, mois, ISBN, élément de liste) sont encore « À PRÉCISER »."""
    texte = PARAMS_2024.read_text(encoding="utf-8")
    for avant, apres in (
        ("etat: final", f"etat: {etat}"),
        ('mois_depot: "2024-12"', 'mois_depot: "À PRÉCISER : mois de dépôt"'),
        ("imprime: 978-2-550-99019-2", 'imprime: "À PRÉCISER : ISBN de la version imprimée"'),
        ("  annee: 2024", '  annee: "À PRÉCISER : année du dépôt légal"'),
        ("    - et ministre responsable de la région de l'Estrie", '    - "À PRÉCISER : seconde fonction"'),
    ):
        assert avant in texte
        texte = texte.replace(avant, apres, 1)
    chemin = tmp_path / "2026.yml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


CLES_A_PRECISER = ("mois_depot", "signataire.fonctions", "isbn.imprime", "depot_legal.annee")


def test_brouillon_accepte_et_liste_les_valeurs_a_preciser(tmp_path):
    p = lire_parametres(_brouillon(tmp_path))
    assert p.etat == "brouillon" and p.brouillon
    assert p.a_preciser == CLES_A_PRECISER
    assert p.mois_depot is None
    assert p.date_reference == dt.date(2024, 9, 1)
    assert p["isbn"]["imprime"] == "À PRÉCISER : ISBN de la version imprimée"
    assert len(p.avertissements) == 4
    assert p.avertissements[2].startswith("Avertissement – ") and "clé « isbn.imprime »" in p.avertissements[2]
    assert "valeur « À PRÉCISER : ISBN de la version imprimée »" in p.avertissements[2]


def test_final_refuse_chaque_valeur_a_preciser(tmp_path):
    problemes = _problemes(_brouillon(tmp_path, etat="final"))
    assert len(problemes) == 4
    for cle, probleme in zip(CLES_A_PRECISER, problemes):
        assert probleme.startswith(f"« {cle} » est encore à préciser (« À PRÉCISER")
        assert "etat: final" in probleme


def test_marqueur_au_milieu_d_un_texte_refuse_en_final(tmp_path):
    chemin = _variante(tmp_path, "copyright: © Ministère de la Sécurité publique – 2024",
                       "copyright: © Ministère de la Sécurité publique – À PRÉCISER")
    assert any(p.startswith("« copyright » est encore à préciser") for p in _problemes(chemin))


def test_valeur_mal_formee_toujours_refusee_en_brouillon(tmp_path):
    chemin = _brouillon(tmp_path)
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("pdf: 978-2-550-99020-8", "pdf: 2-550-99020"), encoding="utf-8")
    assert any("« isbn.pdf » : ISBN-13 attendu" in p for p in _problemes(chemin))


def test_date_de_reference_jamais_a_preciser(tmp_path):
    chemin = _variante(tmp_path, "date_reference: 2024-09-01      #", 'date_reference: "À PRÉCISER : date"  #')
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("etat: final", "etat: brouillon"), encoding="utf-8")
    assert any(p.startswith("« date_reference » ne peut pas rester à préciser") for p in _problemes(chemin))


def test_etat_inconnu(tmp_path):
    chemin = _variante(tmp_path, "etat: final", "etat: publié")
    assert any("« etat » : « brouillon » ou « final » attendu, reçu « publié »" in p for p in _problemes(chemin))


def test_etat_manquant(tmp_path):
    chemin = _variante(tmp_path, "etat: final", "")
    assert "clé manquante : « etat »" in _problemes(chemin)
