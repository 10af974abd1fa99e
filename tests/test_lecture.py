"""Fichiers enregistrés par un tableur : BOM et CRLF acceptés, autre encodage refusé en un message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilan.donnees import lire_fichier, verifier
from bilan.lecture import EncodageRefuse, lire_texte
from bilan.parametres import ParametresInvalides, lire_parametres
from bilan.validation import ERREUR, valider_schema
from conftest import PARAMS_2024


def _excel_utf8(chemin: Path) -> None:
    """Ce que fait Excel « CSV UTF-8 » : BOM en tête, lignes terminées par CRLF."""
    texte = chemin.read_text(encoding="utf-8")
    chemin.write_bytes(b"\xef\xbb\xbf" + texte.replace("\n", "\r\n").encode("utf-8"))


@pytest.mark.parametrize("nom", ["statuts_mesures.csv", "mesures.csv", "axes.yml", "recommandations.yml"])
def test_bom_et_crlf_donnent_la_meme_table(donnees, nom):
    avant, _ = lire_fichier(donnees / nom)
    _excel_utf8(donnees / nom)
    apres, constats = lire_fichier(donnees / nom)
    assert constats == []
    pd.testing.assert_frame_equal(apres, avant)
    assert not any("\r" in v or "\ufeff" in v for v in apres.to_numpy().ravel())


def test_les_donnees_enregistrees_par_excel_sont_conformes(donnees):
    for chemin in donnees.iterdir():
        if chemin.suffix in (".csv", ".yml"):
            _excel_utf8(chemin)
    _, constats = verifier(donnees)
    assert [str(c) for c in constats if c.niveau == ERREUR] == []


@pytest.mark.parametrize("encodage", ["cp1252", "utf-16", "utf-16-le"])
def test_autre_encodage_un_seul_message(donnees, encodage):
    chemin = donnees / "statuts_mesures.csv"
    chemin.write_bytes(chemin.read_text(encoding="utf-8").encode(encodage))
    _, constats = verifier(donnees)
    erreurs = [str(c) for c in constats if c.niveau == ERREUR]
    assert len(erreurs) == 1, erreurs
    m = erreurs[0]
    assert m.startswith("ERREUR – data/statuts_mesures.csv : fichier qui n'est pas en UTF-8")
    assert "encodage détecté : " + ("utf_16" if encodage.startswith("utf") else "cp125") in m
    assert "« CSV UTF-8 (délimité par des virgules) »" in m and "« Unicode (UTF-8) »" in m


def test_la_ligne_du_premier_caractere_illisible_est_nommee(tmp_path):
    chemin = tmp_path / "livrables.csv"
    chemin.write_bytes("mesure,ordre,livrable\n1,1,Un livrable\n1,2,Un autre livrable réalisé\n".encode("cp1252"))
    with pytest.raises(EncodageRefuse) as exc:
        lire_texte(chemin)
    assert exc.value.ligne == 3 and "à la ligne 3" in exc.value.raison


def test_lignes_vides_et_valeurs_sur_plusieurs_lignes_ne_decalent_pas_les_numeros(tmp_path):
    chemin = tmp_path / "livrables.csv"
    chemin.write_text('mesure,ordre,livrable\n1,1,"Deux\nlignes"\n\n,,\n2,x,Un livrable\n', encoding="utf-8")
    table, lus = lire_fichier(chemin)
    assert lus == [] and table["livrable"].tolist() == ["Deux\nlignes", "Un livrable"]
    assert [str(c) for c in valider_schema("livrables.csv", table)] == [
        "ERREUR – data/livrables.csv, ligne 6, colonne « ordre », valeur « x » : l'ordre doit être un nombre entier positif"]


def test_point_virgule_un_seul_message(donnees):
    chemin = donnees / "comite_2020.csv"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    _, constats = verifier(donnees)
    erreurs = [str(c) for c in constats if c.niveau == ERREUR]
    assert len(erreurs) == 1 and "data/comite_2020.csv, ligne 1" in erreurs[0]
    assert "séparées par des point-virgules" in erreurs[0]


def test_parametres_bom_et_crlf_acceptes(tmp_path):
    chemin = tmp_path / "2024.yml"
    chemin.write_bytes(b"\xef\xbb\xbf" + PARAMS_2024.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    p = lire_parametres(chemin)
    assert p.brut == lire_parametres(PARAMS_2024).brut


def test_parametres_dans_un_autre_encodage(tmp_path):
    chemin = tmp_path / "2024.yml"
    chemin.write_bytes(PARAMS_2024.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    with pytest.raises(ParametresInvalides) as exc:
        lire_parametres(chemin)
    assert len(exc.value.problemes) == 1
    assert "n'est pas en UTF-8" in exc.value.problemes[0] and "Encodage « UTF-8 »" in exc.value.problemes[0]
