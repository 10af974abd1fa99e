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
