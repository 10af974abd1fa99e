"""Corpus d'entrées abîmées (tests/entrees_invalides.yml) : chaque faute donne un message situé,
le bon code de sortie, aucune trace Python, et la construction précédente reste intacte.

Un cas = une copie de data/ et de params/2024.yml, une mutation, puis ``valider`` et
``construire`` sur la copie (argument ``donnees=``). Les cas attendus conformes (BOM, CRLF)
construisent sans notebooks (dossier vide) ni rendu : on vérifie qu'ils publient, vite.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bilan.config import DONNEES
from bilan.construire import construire, valider
from conftest import PARAMS_2024

CORPUS: list[dict[str, Any]] = yaml.safe_load(Path(__file__).with_name("entrees_invalides.yml").read_text(encoding="utf-8"))
TEMOIN = "construction précédente, à garder intacte"


# --- Mutations ---------------------------------------------------------------------------------


def _lire(chemin: Path) -> tuple[list[str], list[list[str]]]:
    lignes = list(csv.reader(io.StringIO(chemin.read_text(encoding="utf-8"))))
    return lignes[0], lignes[1:]


def _ecrire(chemin: Path, entete: list[str], corps: list[list[str]], separateur: str = ",") -> None:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=separateur, lineterminator="\n")
    ecrivain.writerow(entete)
    ecrivain.writerows(corps)
    chemin.write_text(tampon.getvalue(), encoding="utf-8")


def _repond(entete: list[str], ligne: list[str], ou: dict[str, str]) -> bool:
    return all(ligne[entete.index(k)] == str(v) for k, v in ou.items())


def muter(chemin: Path, mutation: str | dict[str, Any]) -> int | None:
    """Applique la mutation au fichier ; renvoie le numéro de la ligne modifiée ou ajoutée, s'il y en a une."""
    if isinstance(mutation, str):
        if mutation == "excel_utf8":
            chemin.write_bytes(b"\xef\xbb\xbf" + chemin.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
        elif mutation == "vider":
            chemin.write_bytes(b"")
        elif mutation == "supprimer":
            chemin.unlink()
        else:
            raise ValueError(f"mutation inconnue : {mutation}")
        return None
    ((nom, arg),) = mutation.items()
    if nom == "encoder":
        chemin.write_bytes(chemin.read_text(encoding="utf-8").encode(arg, errors="replace"))
        return None
    if nom == "remplacer":
        avant, apres = arg
        texte = chemin.read_text(encoding="utf-8")
        assert avant in texte, f"« {avant} » absent de {chemin.name}"
        chemin.write_text(texte.replace(avant, apres, 1), encoding="utf-8")
        return None
    if nom in ("copier_vers", "renommer_vers"):
        (shutil.copy2 if nom == "copier_vers" else shutil.move)(chemin, chemin.with_name(arg))
        return None
    if nom == "ajouter_texte":
        with chemin.open("a", encoding="utf-8") as f:
            f.write(arg)
        return None
    entete, corps = _lire(chemin)
    ligne = None
    if nom == "cellule":
        i = next(i for i, l in enumerate(corps) if _repond(entete, l, arg["ou"]))
        corps[i][entete.index(arg["colonne"])] = str(arg["valeur"])
        ligne = i + 2
    elif nom == "ajouter_ligne":
        corps.append([str(arg.get(c, "")) for c in entete])
        ligne = len(corps) + 1
    elif nom == "supprimer_lignes":
        avant = len(corps)
        corps = [l for l in corps if not _repond(entete, l, arg)]
        assert len(corps) < avant, f"aucune ligne {arg} dans {chemin.name}"
    elif nom == "supprimer_colonne":
        j = entete.index(arg)
        entete, corps = entete[:j] + entete[j + 1:], [l[:j] + l[j + 1:] for l in corps]
    elif nom == "renommer_colonne":
        entete[entete.index(arg[0])] = arg[1]
    elif nom == "dupliquer_colonne":
        j = entete.index(arg)
        entete, corps = entete + [arg], [l + [l[j]] for l in corps]
    elif nom == "colonnes_vides_finales":
        entete, corps = entete + [""] * arg, [l + [""] * arg for l in corps]
    elif nom == "colonne_sans_nom":
        i = next(i for i, l in enumerate(corps) if _repond(entete, l, arg["ou"]))
        entete, corps = entete + [""], [l + [str(arg["valeur"]) if k == i else ""] for k, l in enumerate(corps)]
        ligne = i + 2
    elif nom == "separateur":
        _ecrire(chemin, entete, corps, separateur=arg)
        return None
    else:
        raise ValueError(f"mutation inconnue : {nom}")
    _ecrire(chemin, entete, corps)
    return ligne


# --- Le test -----------------------------------------------------------------------------------


def _nombre_d_erreurs(messages: list[str]) -> int:
    """Erreurs de données (« ERREUR – ») et problèmes de paramètres (« - » sous « Paramètres invalides »)."""
    return sum(m.count("ERREUR – ") for m in messages) + sum(
        m.count("\n  - ") for m in messages if m.startswith("Paramètres invalides"))


@pytest.fixture(scope="module")
def sans_notebooks(tmp_path_factory) -> Path:
    """Un dossier de notebooks vide : un cas conforme construit ses exports sans exécuter de noyau."""
    return tmp_path_factory.mktemp("aucun_notebook")


def test_le_corpus_couvre_assez_de_cas():
    assert len(CORPUS) >= 40
    assert len({c["id"] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("cas", CORPUS, ids=[c["id"] for c in CORPUS])
def test_entree_invalide(cas: dict[str, Any], tmp_path: Path, capsys, sans_notebooks: Path):
    donnees = tmp_path / "data"
    shutil.copytree(DONNEES, donnees)
    params = tmp_path / "params" / "2024.yml"
    params.parent.mkdir()
    shutil.copy2(PARAMS_2024, params)

    cible = cas["fichier"]
    if cible == "params":
        chemins, affiche = [params], "2024.yml"
    elif cible == "data/*":
        chemins, affiche = sorted(donnees.iterdir()), "data/"
    else:
        chemins, affiche = [donnees / Path(cible).name], cible
    lignes = [muter(c, cas["mutation"]) for c in chemins]
    ligne = next((l for l in lignes if l is not None), None)

    racine = tmp_path / "_build"
    (racine / "2024").mkdir(parents=True)
    (racine / "2024" / "temoin.txt").write_text(TEMOIN, encoding="utf-8")

    sortie_valider: list[str] = []
    code_valider = valider(params, dire=sortie_valider.append, donnees=donnees)
    sortie_construire: list[str] = []
    code_construire = construire(params, racine=racine, rendre=False, dire=sortie_construire.append,
                                 source=sans_notebooks, donnees=donnees)
    console = capsys.readouterr()
    tout = "\n".join(sortie_valider + sortie_construire) + console.out + console.err

    attendu = cas["code"]
    assert (code_valider, code_construire) == (attendu, attendu), "\n".join(sortie_valider)
    assert "Traceback" not in tout
    fragments = [cas.get("dans", affiche)] + [f.replace("{ligne}", str(ligne)) for f in cas.get("message", [])]
    for sortie in (sortie_valider, sortie_construire):
        assert _nombre_d_erreurs(sortie) == (0 if attendu == 0 else cas.get("erreurs", 1)), sortie
        if "message" in cas:
            assert any(all(f in m for f in fragments) for m in sortie), (fragments, sortie)
    if attendu == 0:
        assert not (racine / "2024" / "temoin.txt").exists()  # remplacée par la nouvelle construction
        assert (racine / "2024" / "donnees" / "mesures.csv").is_file()
        return
    assert "message" in cas, "un cas refusé doit dire quel message il attend"
    assert sortie_construire[-1] == "Construction arrêtée : entrées invalides."
    # Rien de publié ni d'entamé : la construction précédente est intacte, seule dans _build/.
    assert sorted(p.name for p in racine.iterdir()) == ["2024"]
    assert sorted(p.name for p in (racine / "2024").iterdir()) == ["temoin.txt"]
    assert (racine / "2024" / "temoin.txt").read_text(encoding="utf-8") == TEMOIN
