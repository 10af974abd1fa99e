"""Vérification ponctuelle des fichiers de data/ après la transcription de 2024.

Script d'appoint (hors construction) : il imprime les dénombrements attendus et
échoue (AssertionError) si une règle de cohérence n'est pas respectée.
La validation officielle d'une édition reste `python -m bilan valider params/AAAA.yml`.

Usage : .venv/bin/python outils/verifier_donnees.py
"""

from collections import Counter
from pathlib import Path

import pandas as pd
import yaml

DATA = Path(__file__).resolve().parent.parent / "data"


def lire(nom: str) -> pd.DataFrame:
    return pd.read_csv(DATA / nom, dtype=str, keep_default_na=False, encoding="utf-8")


def main() -> None:
    axes = yaml.safe_load((DATA / "axes.yml").read_text(encoding="utf-8"))
    mesures = lire("mesures.csv")
    communs = lire("budgets_communs.csv")
    mo = lire("mesures_organisations.csv")
    orgs = lire("organisations.csv")
    mr = lire("mesures_recommandations.csv")
    livrables = lire("livrables.csv")
    statuts = lire("statuts.csv")
    sm = lire("statuts_mesures.csv")
    sl = lire("statuts_livrables.csv")
    recos = yaml.safe_load((DATA / "recommandations.yml").read_text(encoding="utf-8"))
    comite = lire("comite_2020.csv")
    editions = lire("editions_publiees.csv")

    ids = list(mesures["mesure"])
    assert [a["axe"] for a in axes] == [1, 2, 3, 4, 5, 6]
    assert list(mesures["ordre"]) == [str(i) for i in range(1, 39)]
    assert len(set(ids)) == len(ids)
    print(f"Axes : {len(axes)}")
    print(f"Mesures : {len(mesures)}")
    print("  par axe :", dict(Counter(mesures["axe"])))
    print("  liens_recommandations :", dict(Counter(mesures["liens_recommandations"])))
    print("  budget_type :", dict(Counter(mesures["budget_type"])))

    # Budget.
    montants = mesures.loc[mesures["budget_type"] == "montant", "budget"].astype(int).sum()
    assert (mesures.loc[mesures["budget_type"] != "montant", "budget"] == "").all()
    partages = mesures.loc[mesures["budget_type"] == "partage", "budget_commun"]
    assert set(partages) <= set(communs["budget_commun"])
    total = int(montants) + int(communs["montant"].astype(int).sum())
    print(f"Budget : montants {montants} + commun {communs['montant'].tolist()} = {total}")
    assert total == 148_786_925, total

    # Organisations.
    assert set(mo["role"]) == {"porteur", "collaborateur"}
    assert set(mo["mesure"]) <= set(ids)
    non_definies = sorted(set(mo["organisation"]) - set(orgs["organisation"]))
    print(f"Organisations : {len(orgs)} définies, {mo['organisation'].nunique()} libellés "
          f"utilisés dans {len(mo)} lignes ; non définies : {non_definies or 'aucune'}")
    assert not non_definies
    assert orgs["organisation"].is_unique
    assert set(orgs["type"]) <= {"sigle", "groupe"}
    sans_porteur = set(ids) - set(mo.loc[mo["role"] == "porteur", "mesure"])
    assert not sans_porteur, sans_porteur
    print("  sigles sans nom développé :",
          list(orgs.loc[(orgs["type"] == "sigle") & (orgs["nom"] == ""), "organisation"]))

    # Recommandations.
    assert [r["numero"] for r in recos] == list(range(1, 59))
    print(f"Recommandations : {len(recos)} ; liens mesure→recommandation : {len(mr)}")
    connus = set(mesures.loc[mesures["liens_recommandations"] == "connus", "mesure"])
    assert set(mr["mesure"]) == connus
    assert set(mr["recommandation"].astype(int)) <= set(range(1, 59))
    print(f"  recommandations couvertes par un lien connu : {mr['recommandation'].nunique()}")

    # Livrables et statuts.
    print(f"Livrables : {len(livrables)}")
    assert len(livrables) == 94
    assert "additionnelle" not in set(livrables["mesure"])
    voc_m = set(statuts.loc[statuts["objet"] == "mesure", "statut"])
    voc_l = set(statuts.loc[statuts["objet"] == "livrable", "statut"])
    assert set(sm["statut"]) <= voc_m and set(sl["statut"]) <= voc_l
    assert sorted(sm["mesure"]) == sorted(ids)
    assert list(zip(sl["mesure"], sl["ordre"])) == list(zip(livrables["mesure"],
                                                              livrables["ordre"]))
    cat_m = dict(zip(statuts.loc[statuts["objet"] == "mesure", "statut"],
                     statuts.loc[statuts["objet"] == "mesure", "categorie"]))
    cat_l = dict(zip(statuts.loc[statuts["objet"] == "livrable", "statut"],
                     statuts.loc[statuts["objet"] == "livrable", "categorie"]))
    print("Statuts des mesures :", dict(Counter(sm["statut"])))
    cm = Counter(sm["statut"].map(cat_m))
    print("  par catégorie :", dict(cm),
          {k: f"{round(100 * v / len(sm))} %" for k, v in cm.items()})
    assert cm == {"realise": 22, "en_cours": 16}
    print("Statuts des livrables :", dict(Counter(sl["statut"])))
    cl = Counter(sl["statut"].map(cat_l))
    print("  par catégorie :", dict(cl),
          {k: f"{round(100 * v / len(sl))} %" for k, v in cl.items()})
    assert Counter(sl["statut"]) == {"Réalisé": 42, "Réalisé (récurrent)": 13, "En cours": 28,
                                     "À venir": 10, "Réalisé (en partie)": 1}
    deduits = list(sm.loc[sm["source"].str.contains("en-tête perdu"), "mesure"])
    print("  statuts de mesures déduits :", deduits)
    inconnus = list(mesures.loc[mesures["liens_recommandations"] == "inconnus", "mesure"])
    assert deduits == inconnus

    # Cohérence mesure / livrables : une mesure « Réalisée » dont un livrable n'est pas
    # réalisé doit porter une note.
    real_l = {k for k, v in cat_l.items() if v == "realise"}
    for m in ids:
        st = sm.loc[sm["mesure"] == m, "statut"].iloc[-1]
        ls = set(sl.loc[sl["mesure"] == m, "statut"])
        note = mesures.loc[mesures["mesure"] == m, "note"].iloc[0]
        if st == "Réalisée" and ls - real_l:
            assert note, m
            print(f"  mesure {m} Réalisée avec livrable(s) {sorted(ls - real_l)} : note présente")

    print(f"Comité 2020 : {len(comite)} membres ; porteur : "
          f"{list(comite.loc[comite['porteur'] == 'true', 'organisation_nom'])}")
    assert len(comite) == 18
    print("Éditions publiées :", editions[["edition", "categorie", "nombre", "total"]]
          .to_dict("records"))
    print("OK")


if __name__ == "__main__":
    main()
