"""Les calculs indexés (linéaires) donnent exactement les octets des calculs d'origine.

Les fonctions « de référence » ci-dessous sont le code de bilan/ au début de la branche
`echelle` (commit c52b876), recopié tel quel : il filtrait les tables entières pour chaque
fiche, chaque ligne d'export et chaque événement de statut, d'où un temps quadratique en
nombre de mesures (voir benchmarks/echelle.py), et parcourait les lignes une à une
(``iterrows``, un glob par lien de l'annexe des recommandations). Le code actuel lit
des index calculés une fois ; on compare les deux, octet pour octet, sur les données réelles
(params/2024.yml), sur des plans synthétiques et sur des données fautives. Les fonctions de
mise en forme (typographie, étiquettes, cellules) sont partagées : si la présentation d'une
fiche ou d'un export change exprès, on change la référence dans le même commit.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from bilan import exports, francais, validation
from bilan.config import RACINE
from bilan.contexte import Contexte, notebook_du_chapitre
from bilan.donnees import Plan, charger_plan, verifier
from bilan.fiches import (
    SANS_OBJET,
    _cellule,
    _entete,
    _organisation,
    ancre_mesure,
    ancre_recommandation,
    etiquette_statut,
    fiche_markdown,
    nom_mesure,
    reference_mesure,
    statut_en_capitales,
)
from bilan.synthese import (
    CATEGORIE_INCONNUE,
    couverture_recommandations,
    mesures_par_recommandation,
    statuts_livrables,
    statuts_mesures,
)
from bilan.validation import ERREUR, STATUT_MESURE_REALISEE, Constat, ligne_fichier
from conftest import PARAMS_2024, lire_csv, ecrire_csv

_spec = importlib.util.spec_from_file_location("synthetique", RACINE / "benchmarks" / "synthetique.py")
synthetique = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetique)


# --- Référence : le code d'origine (c52b876) ----------------------------------------------------

def _mesure_reference(plan: Plan, identifiant: str) -> pd.Series:
    lignes = plan.mesures[plan.mesures["mesure"] == identifiant]
    if lignes.empty:
        raise KeyError(f"Mesure inconnue : « {identifiant} » (voir data/mesures.csv)")
    return lignes.iloc[0]


def _phrase_recommandations_reference(plan: Plan, mesure: pd.Series, cible_annexe: str = "") -> str:
    etat = mesure["liens_recommandations"]
    if etat == "initiative gouvernementale":
        return "Initiative gouvernementale"
    if etat == "inconnus":
        return "Recommandations visées : inconnues (le texte source du rapport ne les précise pas)"
    liens = plan.mesures_recommandations[plan.mesures_recommandations["mesure"] == mesure["mesure"]]
    numeros = sorted(int(n) for n in liens["recommandation"])
    cibles = [f"[{n}]({cible_annexe}#{ancre_recommandation(n)})" for n in numeros]
    if len(numeros) == 1:
        return f"En réponse à la recommandation n°{francais.NBSP}{cibles[0]}"
    return f"En réponse aux recommandations n^os^{francais.NBSP}{francais.liste(cibles)}"


def _texte_budget_reference(plan: Plan, mesure: pd.Series) -> str:
    if mesure["budget_type"] == "autofinance":
        return "Autofinancé"
    if mesure["budget_type"] == "montant":
        return francais.montant(int(mesure["budget"]))
    commun = plan.budgets_communs.set_index("budget_commun").loc[mesure["budget_commun"]]
    partageurs = plan.mesures[plan.mesures["budget_commun"] == mesure["budget_commun"]]["mesure"].tolist()
    return (
        f"{francais.montant(int(commun['montant']))} partagés pour les mesures "
        f"n^os^{francais.NBSP}{francais.liste(partageurs)}"
    )


def fiche_reference(plan: Plan, identifiant: str, statuts_mesures: pd.DataFrame, statuts_livrables: pd.DataFrame,
                    cible_annexe: str = "") -> str:
    mesure = _mesure_reference(plan, identifiant)
    etat = statuts_mesures.set_index("mesure").loc[identifiant]
    note = mesure["note"]
    statut = statut_en_capitales(etat["statut"]) + ("\\*" if note else "")
    lignes = [
        f"## {nom_mesure(identifiant)} – {etiquette_statut(statut, etat['categorie'])} "
        f"{{#{ancre_mesure(identifiant)} .mesure}}",
        "",
        "::: {.recommandations}",
        _phrase_recommandations_reference(plan, mesure, cible_annexe),
        ":::",
        "",
        f"**{francais.typographie(mesure['titre'])}**",
        "",
    ]
    orgs = plan.mesures_organisations[plan.mesures_organisations["mesure"] == identifiant].sort_values("ordre")
    noms = dict(zip(plan.organisations["organisation"], plan.organisations["nom"]))
    plusieurs = dict(zip(plan.organisations["organisation"], plan.organisations["plusieurs"]))
    libelles_porteurs = orgs.loc[orgs["role"] == "porteur", "organisation"].tolist()
    libelles_collab = orgs.loc[orgs["role"] == "collaborateur", "organisation"].tolist()
    porteurs = [_organisation(o, noms) for o in libelles_porteurs]
    collab = [_organisation(o, noms) for o in libelles_collab]
    lignes += [
        f"| {_entete('PORTEUR', libelles_porteurs, plusieurs)} | {_entete('COLLABORATEUR', libelles_collab, plusieurs)} | BUDGET ATTRIBUÉ |",
        "|:---|:---|---:|",
        f"| {', '.join(porteurs)} | {', '.join(collab) or SANS_OBJET} | {_cellule(_texte_budget_reference(plan, mesure))} |",
        "",
    ]
    livrables = statuts_livrables[statuts_livrables["mesure"] == identifiant].sort_values("ordre")
    lignes += [f"| {'LIVRABLES' if len(livrables) > 1 else 'LIVRABLE'} | Statut |", "|:---|:---|"]
    if livrables.empty:
        lignes.append(f"| {SANS_OBJET} | {SANS_OBJET} |")
    for _, liv in livrables.iterrows():
        texte = "Statut inconnu" if liv["categorie"] == CATEGORIE_INCONNUE else liv["statut"]
        lignes.append(f"| {_cellule(liv['livrable'])} | {etiquette_statut(texte, liv['categorie'])} |")
    lignes.append("")
    if note:
        lignes += ["::: {.note-mesure}", f"\\* {francais.typographie(note)}", ":::", ""]
    return "\n".join(lignes)


def _budget_export_reference(plan: Plan, m: pd.Series) -> str:
    if m["budget_type"] == "montant":
        return str(int(m["budget"]))
    if m["budget_type"] == "autofinance":
        return "Autofinancé"
    commun = plan.budgets_communs.set_index("budget_commun").loc[m["budget_commun"], "montant"]
    partageurs = plan.mesures.loc[plan.mesures["budget_commun"] == m["budget_commun"], "mesure"]
    return f"{int(commun)} (partagé : mesures {', '.join(partageurs)})"


def _recommandations_export_reference(plan: Plan, m: pd.Series) -> str:
    if m["liens_recommandations"] == "initiative gouvernementale":
        return "Initiative gouvernementale"
    if m["liens_recommandations"] == "inconnus":
        return "Inconnues"
    liens = plan.mesures_recommandations[plan.mesures_recommandations["mesure"] == m["mesure"]]
    return ";".join(str(n) for n in sorted(liens["recommandation"]))


def table_mesures_reference(plan: Plan, statuts: pd.DataFrame) -> pd.DataFrame:
    orgs = plan.mesures_organisations.sort_values("ordre")
    statut = dict(zip(statuts["mesure"], statuts["statut"]))
    lignes = []
    for _, m in plan.mesures.iterrows():
        o = orgs[orgs["mesure"] == m["mesure"]]
        lignes.append({
            "mesure": m["mesure"],
            "axe": int(m["axe"]),
            "titre": m["titre"],
            "statut": statut[m["mesure"]],
            "porteurs": " ; ".join(o.loc[o["role"] == "porteur", "organisation"]),
            "collaborateurs": " ; ".join(o.loc[o["role"] == "collaborateur", "organisation"]),
            "budget": _budget_export_reference(plan, m),
            "recommandations": _recommandations_export_reference(plan, m),
        })
    return pd.DataFrame(lignes)


def regle_note_reference(t: dict[str, pd.DataFrame]) -> list[Constat]:
    vocab = t["statuts.csv"]
    cat_liv = dict(zip(vocab.loc[vocab["objet"] == "livrable", "statut"], vocab.loc[vocab["objet"] == "livrable", "categorie"]))
    notes = dict(zip(t["mesures.csv"]["mesure"], t["mesures.csv"]["note"]))
    ev_liv = t["statuts_livrables.csv"]
    constats = []
    for i, e in t["statuts_mesures.csv"].iterrows():
        if e["statut"] != STATUT_MESURE_REALISEE or notes.get(e["mesure"], "x") != "":
            continue
        a_date = ev_liv[(ev_liv["mesure"] == e["mesure"]) & (ev_liv["date"] <= e["date"])]
        derniers = a_date.sort_values("date").groupby("ordre").tail(1)
        non_realises = derniers[derniers["statut"].map(cat_liv) != "realise"]
        if len(non_realises):
            detail = ", ".join(f"n° {o} ({s})" for o, s in zip(non_realises["ordre"], non_realises["statut"]))
            constats.append(Constat(ERREUR, "statuts_mesures.csv", ligne_fichier(i, "statuts_mesures.csv"), "statut", e["statut"],
                                    f"la mesure {e['mesure']} est « Réalisée » au {e['date']} alors que des livrables ne sont pas réalisés ({detail}) : ajouter une note justificative dans mesures.csv"))
    return constats


def _mesures_par_recommandation_reference(plan: Plan) -> dict[int, list[str]]:
    rang = dict(zip(plan.mesures["mesure"], plan.mesures["ordre"]))
    resultat: dict[int, list[str]] = {int(n): [] for n in plan.recommandations["numero"]}
    for _, lien in plan.mesures_recommandations.iterrows():
        resultat.setdefault(int(lien["recommandation"]), []).append(lien["mesure"])
    return {n: sorted(ms, key=rang.__getitem__) for n, ms in resultat.items()}


def annexe_reference(ctx: Contexte) -> str:
    couverture = couverture_recommandations(ctx.plan)
    par_reco = _mesures_par_recommandation_reference(ctx.plan)
    axe_de = dict(zip(ctx.plan.mesures["mesure"], ctx.plan.mesures["axe"]))
    blocs = []
    if couverture.mesures_liens_inconnus:
        inconnues = francais.liste(list(couverture.mesures_liens_inconnus))
        blocs.append(francais.typographie(
            f"::: {{.avertissement}}\nLes liens entre les recommandations et {len(couverture.mesures_liens_inconnus)} "
            f"mesures (n^os^ {inconnues}) ne figurent pas dans le texte source du rapport : "
            "la liste des mesures qui répondent à chaque recommandation peut donc être incomplète.\n:::\n"))
    for _, reco in ctx.plan.recommandations.iterrows():
        n = int(reco["numero"])
        mesures = par_reco.get(n, [])
        liens = [f"[{reference_mesure(m)}]({notebook_du_chapitre(f'axe{axe_de[m]}')}#{ancre_mesure(m)})" for m in mesures]
        reponse = (f"Mesure(s) qui y répondent : {', '.join(liens)}" if liens
                   else "Aucune mesure dont le lien avec cette recommandation est connu.")
        blocs.append(
            f"## Recommandation n° {n} {{#{ancre_recommandation(n)} .unlisted .unnumbered}}\n\n"
            f"{francais.typographie(reco['texte'].strip())}\n\n"
            f"::: {{.mesures-liees}}\n{francais.typographie(reponse)}\n:::\n"
        )
    return "\n".join(blocs)


def date_valide_reference():
    import pandera.pandas as pa

    def ok(s: pd.Series) -> pd.Series:
        def une(v: str) -> bool:
            try:
                dt.date.fromisoformat(v)
                return bool(pd.Series([v]).str.match(validation.DATE_ISO).iloc[0])
            except ValueError:
                return False
        return s.map(une)

    return pa.Check(ok, error="la date doit exister et s'écrire AAAA-MM-JJ (ex. 2024-09-01)")


# --- Cas comparés ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """(fichier de paramètres, dossier data/) : l'édition réelle et deux plans synthétiques."""
    cas = {"reel": (PARAMS_2024, RACINE / "data")}
    for graine in (0, 1):
        dossier = synthetique.generer(tmp_path_factory.mktemp(f"plan{graine}"), 120, graine)
        cas[f"synthetique-{graine}"] = (dossier / "params" / "2024.yml", dossier / "data")
    return cas


CAS = ["reel", "synthetique-0", "synthetique-1"]
# Dates : référence de l'édition, édition précédente (synthétiques), avant tout événement (inconnus).
DATES = [None, dt.date(2022, 9, 1), dt.date(2021, 1, 1)]


@pytest.mark.parametrize("date", DATES, ids=["reference", "2022", "avant-tout"])
@pytest.mark.parametrize("cas", CAS)
def test_fiches_identiques(plans, cas, date):
    params, donnees = plans[cas]
    ctx = Contexte.charger(params, donnees)
    if date is not None:
        ctx = Contexte(ctx.params, ctx.plan)
        ctx.__dict__.update(statuts_mesures=statuts_mesures(ctx.plan, date), statuts_livrables=statuts_livrables(ctx.plan, date))
    cible = notebook_du_chapitre("annexe1")
    references = {m: fiche_reference(ctx.plan, m, ctx.statuts_mesures, ctx.statuts_livrables, cible) for m in ctx.plan.mesures["mesure"]}
    for m, attendue in references.items():
        assert ctx.fiche(m).data == attendue, m
        assert fiche_markdown(ctx.plan, m, ctx.statuts_mesures, ctx.statuts_livrables, cible) == attendue, m
    for axe in ctx.plan.axes["axe"]:
        mesures = ctx.plan.mesures.loc[ctx.plan.mesures["axe"] == axe, "mesure"]
        assert ctx.fiches(int(axe)).data == "\n".join(references[m] for m in mesures)


@pytest.mark.parametrize("cas", CAS)
def test_annexe_des_recommandations_identique(plans, cas):
    params, donnees = plans[cas]
    ctx = Contexte.charger(params, donnees)
    assert mesures_par_recommandation(ctx.plan) == _mesures_par_recommandation_reference(ctx.plan)
    assert ctx.annexe_recommandations().data == annexe_reference(ctx)


@pytest.mark.parametrize("cas", CAS)
def test_exports_identiques(plans, cas, tmp_path):
    params, donnees = plans[cas]
    ctx = Contexte.charger(params, donnees)
    chemins = exports.ecrire_exports(tmp_path / "actuel", ctx.plan, ctx.statuts_mesures, ctx.statuts_livrables)
    attendu = tmp_path / "reference.csv"
    table_mesures_reference(ctx.plan, ctx.statuts_mesures).to_csv(attendu, index=False, encoding="utf-8")
    assert chemins[0].read_bytes() == attendu.read_bytes()


def _constats_reference(donnees: Path, monkeypatch) -> list[Constat]:
    with monkeypatch.context() as mp:
        mp.setattr(validation, "_regle_note_justificative", regle_note_reference)
        mp.setattr(validation, "_date_valide", date_valide_reference)
        return verifier(donnees)[1]


@pytest.mark.parametrize("cas", CAS)
def test_constats_identiques(plans, cas, monkeypatch):
    _, donnees = plans[cas]
    assert verifier(donnees)[1] == _constats_reference(donnees, monkeypatch)


@pytest.mark.parametrize("cas", CAS)
def test_constats_identiques_sans_notes(plans, cas, tmp_path, monkeypatch):
    """Notes retirées : chaque mesure « Réalisée » à livrables non réalisés est signalée, même détail."""
    _, source = plans[cas]
    donnees = tmp_path / "data"
    donnees.mkdir()
    for f in source.iterdir():
        (donnees / f.name).write_bytes(f.read_bytes())
    mesures = lire_csv(donnees / "mesures.csv")
    for m in mesures:
        m["note"] = ""
    ecrire_csv(donnees / "mesures.csv", mesures)
    # Un livrable qui recule après coup : le dernier événement à la date compte, pas le plus « avancé ».
    evenements = lire_csv(donnees / "statuts_livrables.csv")
    premier = evenements[0]
    evenements.append({**premier, "date": "2030-01-01", "statut": "En cours"})
    ecrire_csv(donnees / "statuts_livrables.csv", evenements)
    constats = verifier(donnees)[1]
    assert any("note justificative" in c.regle for c in constats)
    assert constats == _constats_reference(donnees, monkeypatch)


def test_dates_valides_identiques(monkeypatch):
    valeurs = ["2024-09-01", "2024-02-30", "01/09/2024", "2024-9-1", "20240901", "2024-W01-1", "2024-09-01T00:00",
               "٢٠٢٤-09-01", "２０２４-09-01", "2024-001", "+2024-09-01", "0000-01-01", "9999-12-31"]
    table = pd.DataFrame({"mesure": ["1"] * len(valeurs), "date": valeurs, "statut": ["En cours"] * len(valeurs),
                          "source": [f"s{i}" for i in range(len(valeurs))]}, dtype=str)
    actuels = validation.valider_schema("statuts_mesures.csv", table)
    with monkeypatch.context() as mp:
        mp.setattr(validation, "_date_valide", date_valide_reference)
        assert actuels == validation.valider_schema("statuts_mesures.csv", table)
    assert {c.valeur for c in actuels if c.colonne == "date"} == set(valeurs) - {"2024-09-01", "9999-12-31"}


def test_plan_indexe_comme_les_filtres():
    """Les recherches indexées de Plan rendent ce que rendaient les filtres sur les tables entières."""
    plan = charger_plan()
    for m in plan.mesures["mesure"]:
        assert plan.mesure(m).equals(_mesure_reference(plan, m))
    with pytest.raises(KeyError, match="Mesure inconnue"):
        plan.mesure("99")


@pytest.mark.parametrize("texte", [
    (RACINE / "data" / "axes.yml").read_text(encoding="utf-8"),
    (RACINE / "data" / "recommandations.yml").read_text(encoding="utf-8"),
    "- numero: 1\n  texte: a\tb\n",            # tabulation : PyYAML la refuse, libyaml l'accepterait
    "- numero: 1\n texte: mal indenté\n",      # erreur : même message qu'avant
    "- numero: !\n  texte: étiquette vide\n",  # libyaml lit '' là où PyYAML lit None
], ids=["axes", "recommandations", "tabulation", "indentation", "etiquette"])
def test_lecture_yaml_identique(tmp_path, monkeypatch, texte):
    """libyaml lit plus vite ; la table ou le constat d'erreur restent ceux de PyYAML pur Python."""
    import yaml

    from bilan import donnees

    fichier = tmp_path / "recommandations.yml"
    fichier.write_text(texte, encoding="utf-8")
    table, constats = donnees.lire_fichier(fichier)
    monkeypatch.setattr(donnees, "_lire_yaml", yaml.safe_load)
    table_ref, constats_ref = donnees.lire_fichier(fichier)
    assert constats == constats_ref
    assert (table is None and table_ref is None) or table.equals(table_ref)
