"""Une règle de validation par test : on abîme une copie des données et on lit le message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilan.donnees import charger_plan, verifier
from bilan.validation import AVERTISSEMENT, ERREUR, DonneesInvalides
from conftest import ajouter, ecrire_csv, lire_csv, modifier


def erreurs(dossier: Path) -> list[str]:
    _, constats = verifier(dossier)
    return [str(c) for c in constats if c.niveau == ERREUR]


def un_seul(dossier: Path) -> str:
    messages = erreurs(dossier)
    assert len(messages) == 1, messages
    return messages[0]


def test_les_donnees_publiees_sont_conformes():
    _, constats = verifier()
    assert [c for c in constats if c.niveau == ERREUR] == []


def test_avertissements_des_faits_inconnus():
    _, constats = verifier()
    avert = [str(c) for c in constats if c.niveau == AVERTISSEMENT]
    assert any("15 mesure(s) sans liens connus" in m and "A3" in m for m in avert)
    assert any("sigle DPJ" in m for m in avert)


def test_budget_mal_ecrit(donnees):
    ligne = modifier(donnees / "mesures.csv", {"mesure": "1"}, budget="1 953 200 $")
    m = un_seul(donnees)
    assert f"data/mesures.csv, ligne {ligne}, colonne « budget », valeur « 1 953 200 $ »" in m
    assert "nombre entier de dollars" in m


def test_statut_hors_vocabulaire(donnees):
    ligne = modifier(donnees / "statuts_mesures.csv", {"mesure": "2"}, statut="Terminée")
    m = un_seul(donnees)
    assert f"data/statuts_mesures.csv, ligne {ligne}, colonne « statut », valeur « Terminée »" in m
    assert "vocabulaire des mesures" in m and "Réalisée" in m


def test_statut_de_livrable_hors_vocabulaire(donnees):
    ligne = modifier(donnees / "statuts_livrables.csv", {"mesure": "1", "ordre": "1"}, statut="Réalisée")
    m = un_seul(donnees)
    assert f"data/statuts_livrables.csv, ligne {ligne}, colonne « statut », valeur « Réalisée »" in m
    assert "vocabulaire des livrables" in m


@pytest.mark.parametrize("date", ["2024-02-30", "01/09/2024", "2024-9-1"])
def test_date_invalide(donnees, date):
    ligne = modifier(donnees / "statuts_mesures.csv", {"mesure": "3"}, date=date)
    m = un_seul(donnees)
    assert f"ligne {ligne}, colonne « date », valeur « {date} »" in m
    assert "AAAA-MM-JJ" in m


def test_identifiant_de_mesure_en_double(donnees):
    modifier(donnees / "mesures.csv", {"mesure": "2"}, mesure="1")
    messages = erreurs(donnees)
    assert any("data/mesures.csv, ligne 2, colonne « mesure », valeur « 1 »" in m and "doublon" in m for m in messages)
    assert any("ligne 3, colonne « mesure », valeur « 1 »" in m for m in messages)


def test_livrable_sous_une_mesure_inconnue(donnees):
    ligne = ajouter(donnees / "livrables.csv", mesure="99", ordre="1", livrable="Livrable orphelin")
    m = un_seul(donnees)
    assert f"data/livrables.csv, ligne {ligne}, colonne « mesure », valeur « 99 »" in m
    assert "mesure inconnu" in m


def test_organisation_non_definie(donnees):
    ligne = modifier(donnees / "mesures_organisations.csv", {"mesure": "1", "role": "porteur"}, organisation="MXYZ")
    m = un_seul(donnees)
    assert f"data/mesures_organisations.csv, ligne {ligne}, colonne « organisation », valeur « MXYZ »" in m


def test_recommandation_hors_limites(donnees):
    ligne = modifier(donnees / "mesures_recommandations.csv", {"mesure": "1"}, recommandation="59")
    m = un_seul(donnees)
    assert f"data/mesures_recommandations.csv, ligne {ligne}, colonne « recommandation », valeur « 59 »" in m
    assert "hors de 1 à 58" in m


def test_lien_vers_une_recommandation_sans_source(donnees):
    ligne = modifier(donnees / "mesures_recommandations.csv", {"mesure": "2", "recommandation": "13"}, source=" ")
    m = un_seul(donnees)
    assert f"data/mesures_recommandations.csv, ligne {ligne}, colonne « source »" in m
    assert "ne doit pas être vide" in m


def test_liens_vers_les_recommandations_sans_colonne_source(donnees):
    lignes = [{k: v for k, v in l.items() if k != "source"} for l in lire_csv(donnees / "mesures_recommandations.csv")]
    ecrire_csv(donnees / "mesures_recommandations.csv", lignes)
    m = un_seul(donnees)
    assert "data/mesures_recommandations.csv" in m and "colonne « source »" in m and "obligatoire absente" in m


def test_recommandations_numerotees_sans_trou(donnees):
    chemin = donnees / "recommandations.yml"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("numero: 58", "numero: 60"), encoding="utf-8")
    m = un_seul(donnees)
    assert "data/recommandations.yml" in m and "de 1 à N sans trou" in m


def test_mesure_realisee_sans_note_alors_qu_un_livrable_ne_l_est_pas(donnees):
    modifier(donnees / "statuts_mesures.csv", {"mesure": "1"}, statut="Réalisée")
    m = un_seul(donnees)
    assert "data/statuts_mesures.csv" in m and "valeur « Réalisée »" in m
    assert "mesure 1" in m and "note justificative" in m and "n° 1 (En cours)" in m


def test_la_note_justifie_la_mesure_realisee(donnees):
    modifier(donnees / "statuts_mesures.csv", {"mesure": "1"}, statut="Réalisée")
    modifier(donnees / "mesures.csv", {"mesure": "1"}, note="Engagement rempli ; livrables continus.")
    assert erreurs(donnees) == []


def test_montant_absent(donnees):
    ligne = modifier(donnees / "mesures.csv", {"mesure": "1"}, budget="")
    m = un_seul(donnees)
    assert f"data/mesures.csv, ligne {ligne}, colonne « budget »" in m and "exige un montant" in m


def test_budget_commun_inconnu(donnees):
    ligne = modifier(donnees / "mesures.csv", {"mesure": "3"}, budget_commun="campagne")
    m = un_seul(donnees)
    assert f"ligne {ligne}, colonne « budget_commun », valeur « campagne »" in m and "budget commun inconnu" in m


def test_type_de_budget_inconnu(donnees):
    ligne = modifier(donnees / "mesures.csv", {"mesure": "9"}, budget_type="autofinancé")
    m = un_seul(donnees)
    assert f"ligne {ligne}, colonne « budget_type », valeur « autofinancé »" in m and "montant, autofinance, partage" in m


def test_liens_connus_sans_lien(donnees):
    ligne = modifier(donnees / "mesures.csv", {"mesure": "11"}, liens_recommandations="connus")
    m = un_seul(donnees)
    assert f"ligne {ligne}, colonne « liens_recommandations », valeur « connus »" in m


def test_mesure_sans_porteur(donnees):
    lignes = [l for l in lire_csv(donnees / "mesures_organisations.csv") if not (l["mesure"] == "2" and l["role"] == "porteur")]
    ecrire_csv(donnees / "mesures_organisations.csv", lignes)
    m = un_seul(donnees)
    assert "valeur « 2 »" in m and "aucun porteur" in m


def test_statut_d_un_livrable_inexistant(donnees):
    ligne = ajouter(donnees / "statuts_livrables.csv", mesure="1", ordre="7", date="2025-01-01", statut="Réalisé", source="test")
    m = un_seul(donnees)
    assert f"data/statuts_livrables.csv, ligne {ligne}, colonne « ordre », valeur « 7 »" in m


def test_edition_publiee_incoherente(donnees):
    modifier(donnees / "editions_publiees.csv", {"categorie": "realise"}, nombre="2")
    m = un_seul(donnees)
    assert "data/editions_publiees.csv" in m and "somme des nombres" in m


def test_colonne_renommee_une_seule_erreur_pour_l_en_tete(donnees):
    chemin = donnees / "budgets_communs.csv"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("description", "descriptif", 1), encoding="utf-8")
    m = un_seul(donnees)
    assert "data/budgets_communs.csv, ligne 1 : en-tête non conforme" in m
    assert "colonne « descriptif » inconnue (pour « description » ?" in m
    assert "colonne « description » obligatoire absente" in m
    assert "En-tête attendu : budget_commun,montant,description" in m


def test_ligne_csv_mal_formee(donnees):
    chemin = donnees / "livrables.csv"
    with chemin.open("a", encoding="utf-8") as f:
        f.write("1,3,Un livrable, avec une virgule non protégée\n")
    m = un_seul(donnees)
    assert "data/livrables.csv, ligne 96" in m and "4 champ(s) au lieu de 3" in m


def test_fichier_absent(donnees):
    (donnees / "axes.yml").unlink()
    assert "data/axes.yml : fichier absent" in un_seul(donnees)


def test_toutes_les_erreurs_sont_rapportees_ensemble(donnees):
    modifier(donnees / "mesures.csv", {"mesure": "1"}, budget="abc")
    modifier(donnees / "statuts_mesures.csv", {"mesure": "2"}, date="2024-13-01")
    modifier(donnees / "livrables.csv", {"mesure": "1", "ordre": "1"}, livrable="")
    with pytest.raises(DonneesInvalides) as exc:
        charger_plan(donnees)
    texte = str(exc.value)
    assert "3 erreur(s)" in texte
    assert "valeur « abc »" in texte and "valeur « 2024-13-01 »" in texte and "colonne « livrable »" in texte
