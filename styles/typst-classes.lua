--[[
typst-classes.lua : donne au PDF (Typst) la mise en forme que le HTML tire des classes CSS.

Filtre commun aux deux moteurs : Quarto le déclare dans _quarto.yml (filters) et l'exécute
avant ses propres filtres ; le moteur intégré (bilan.integre) le passe à Pandoc. Il n'agit
que sur la sortie Typst.

Le Markdown produit par le paquet bilan ne porte que des classes sémantiques
(.statut, .recommandations, .couverture…). L'écrivain Typst de Pandoc abandonne les classes
des Div et des Span ; ce filtre les remplace par des appels aux fonctions de styles/rapport.typ :

  [EN COURS]{.statut .statut-en_cours}  → #bilan-statut("en_cours")[EN COURS]
  ::: {.recommandations} … :::          → #bilan-bloc("recommandations")[ … ]
  ::: {.couverture} … ::: (1er niveau)  → #bilan-bloc("couverture", page: true)[ … ]
  [TITRE]{.titre-plan}                  → #bilan-span("titre-plan")[TITRE]
  [Mesure n° 1]{.majuscules}, # Titre {.majuscules}
                                        → #upper[…] : les capitales du rapport imprimé sont
                                          une mise en forme ; le texte reste en casse normale
  # Annexe 1 – Liste … {.annexe}        → #upper[Annexe 1] – Liste … (capitales jusqu'au
                                          tiret, comme le rapport publié ; pas de segment
                                          dans le titre : Quarto en recopie le Markdown brut
                                          dans ses étiquettes et son index de recherche)
  ## Mesure n° 1 … {.mesure}            → #bilan-avant-mesure() puis le titre
  # Titre (1er niveau du document)       → #bilan-avant-chapitre() (saut de page) puis le
                                          titre ; #bilan-table-des-matieres() avant le premier
                                          qui n'est pas .liminaire : la table suit la
                                          couverture, les notices et le message du ministre
                                          (ordre du rapport publié)

Les liens vers un autre chapitre (« 04_axe1_recherche.md#mesure-1 ») deviennent des liens
internes du PDF : Quarto les résout lui-même, le moteur intégré par styles/moteur-integre.lua.

Il retire aussi du PDF le titre de la page d'accueil (« Accueil », métadonnée
bilan-titre-accueil) : Quarto fait un chapitre de chaque fichier du livre, page d'accueil
comprise, et ce titre n'existe qu'en HTML.

Raccourcis de Typst que l'écrivain Typst de Pandoc (3.9) laisse passer : il écrit « ’ » comme
« ' », que Typst reprend pour un guillemet « intelligent » (en tête de mot, « 'simple' » saisi
s'imprimait « “simple” ») ; il écrit « – » et « — » comme « -- » et « --- », qui se soudent à
un tiret voisin (« –– » s'imprimait « —- », « –- » « — ») ; il n'échappe ni « -? » (trait
d'union conditionnel : « -? » saisi disparaissait) ni « ... » (imprimé « … »). Le filtre écrit
ces suites en Typst brut, où elles restent les caractères saisis : « ’ », « – », « — »,
« \-? », « \.\.\. ».

Débuts de contenu : l'écrivain échappe une marque de ligne de Typst (« = » titre, « - » puce,
« + » et « 1. » liste numérotée, « / » terme) en tête de paragraphe, mais pas en tête d'une
cellule de tableau ni d'un élément de liste ; le filtre ne le faisait pas non plus en tête de ses
propres #bilan-span[…], #upper[…]. Un libellé « = x » devenait un titre dans sa cellule, « - x »
une puce, « 1. x » une liste. Le filtre échappe ce premier caractère.

Sauts de page : Typst les refuse dans un conteneur (« pagebreaks are not allowed inside of
containers ») et Pandoc écrit tout Div en #block[…]. Le filtre n'en émet donc qu'au premier
niveau du document : un titre de niveau 1 y commence une page ; couverture et colophon y ont
leur propre page (page: true), ailleurs ce sont de simples encadrés.

Seules les classes listées ci-dessous sont touchées : les Div de Quarto (.cell, .callout-*,
.content-visible…) passent intactes.
]]

-- Classes de Div et de Span prises en charge ; chacune a sa fonction dans styles/rapport.typ
-- (dictionnaires bilan-blocs et bilan-spans) et sa règle dans styles/rapport.css.
local BLOCS = {
  "couverture", "colophon", "signature", "recommandations", "note-mesure", "slogan",
  "avertissement", "mesures-liees", "ajout", "source-tableau", "entetes-majuscules",
  "relecture", "changements", "tableau-long",
}
local SPANS = { "titre-plan", "sous-titre-plan", "titre-rapport", "depot", "a-preciser" }
-- Blocs qui occupent leur propre page quand ils sont au premier niveau (bilan-pages).
local PAGES = { "couverture", "colophon" }

local function ensemble(liste)
  local e = {}
  for _, v in ipairs(liste) do e[v] = true end
  return e
end
local EST_BLOC = ensemble(BLOCS)
local EST_SPAN = ensemble(SPANS)
local EST_PAGE = ensemble(PAGES)

local function sortie_typst()
  if quarto ~= nil and quarto.doc ~= nil and quarto.doc.is_format ~= nil then
    return quarto.doc.is_format("typst")
  end
  return FORMAT ~= nil and FORMAT:match("typst") ~= nil
end

local function chaine_typst(s)
  local echappee = s:gsub("\\", "\\\\"):gsub('"', '\\"')
  return '"' .. echappee .. '"'
end

-- Un contenu qui commence par une marque de ligne de Typst (voir l'en-tête) : son premier
-- caractère est échappé. Un Span sans classe (infobulle) n'écrit rien : on regarde dedans.
local function marque_de_ligne(texte)
  return texte:match("^[=+/-]") ~= nil or texte:match("^%d+%.") ~= nil
end

local function proteger_debut(inlines)
  local premier = inlines[1]
  if premier == nil then return inlines end
  if premier.t == "Span" then
    premier.content = proteger_debut(premier.content)
  elseif premier.t == "Str" and marque_de_ligne(premier.text) then
    local res = pandoc.Inlines({ pandoc.RawInline("typst", "\\" .. premier.text:sub(1, 1)) })
    if #premier.text > 1 then res:insert(pandoc.Str(premier.text:sub(2))) end
    for i = 2, #inlines do res:insert(inlines[i]) end
    return res
  end
  return inlines
end

local function proteger_blocs(blocs)
  local premier = blocs[1]
  if premier ~= nil and (premier.t == "Plain" or premier.t == "Para") then
    premier.content = proteger_debut(premier.content)
  end
  return blocs
end

local function envelopper_inlines(ouverture, contenu)
  local res = pandoc.Inlines({ pandoc.RawInline("typst", ouverture) })
  res:extend(proteger_debut(pandoc.Inlines(contenu)))
  res:insert(pandoc.RawInline("typst", "]"))
  return res
end

local function categorie_statut(classes)
  for _, c in ipairs(classes) do
    local cat = c:match("^statut%-(.+)$")
    if cat then return cat end
  end
  return "inconnu"
end

-- « Annexe 1 – Liste … » : les mots avant le premier tiret demi-cadratin, en capitales.
local function majuscules_avant_tiret(contenu)
  local avant, apres = pandoc.Inlines({}), pandoc.Inlines({})
  local vu = false
  for _, el in ipairs(contenu) do
    if not vu and el.t == "Str" and el.text == "–" then vu = true end
    if vu then apres:insert(el) else avant:insert(el) end
  end
  if not vu then return contenu end
  while #avant > 0 and avant[#avant].t == "Space" do
    apres:insert(1, avant:remove())
  end
  local res = envelopper_inlines("#upper[", avant)
  res:extend(apres)
  return res
end

local function Span(el)
  if not sortie_typst() then return nil end
  if el.classes:includes("statut") then
    local ouverture = "#bilan-statut(" .. chaine_typst(categorie_statut(el.classes)) .. ")["
    return envelopper_inlines(ouverture, el.content)
  end
  for _, c in ipairs(el.classes) do
    if EST_SPAN[c] then
      return envelopper_inlines("#bilan-span(" .. chaine_typst(c) .. ")[", el.content)
    end
  end
  if el.classes:includes("majuscules") then
    return envelopper_inlines("#upper[", el.content)
  end
  return nil
end

-- Raccourcis de Typst en Typst brut (voir l'en-tête) : « l’été » → Str « l », Typst « ’ », Str « été ».
local RACCOURCIS = {
  ["\u{2019}"] = "\u{2019}", ["\u{2013}"] = "\u{2013}", ["\u{2014}"] = "\u{2014}",
  ["-?"] = "\\-?", ["..."] = "\\.\\.\\.",
}

local function premier_raccourci(texte, debut)
  local i_min, j_min, brut
  for suite, typst in pairs(RACCOURCIS) do
    local i, j = texte:find(suite, debut, true)
    if i ~= nil and (i_min == nil or i < i_min) then i_min, j_min, brut = i, j, typst end
  end
  return i_min, j_min, brut
end

local function Str(el)
  if not sortie_typst() or premier_raccourci(el.text, 1) == nil then return nil end
  local res = pandoc.Inlines({})
  local debut = 1
  while true do
    local i, j, brut = premier_raccourci(el.text, debut)
    if i == nil then break end
    if i > debut then res:insert(pandoc.Str(el.text:sub(debut, i - 1))) end
    res:insert(pandoc.RawInline("typst", brut))
    debut = j + 1
  end
  if debut <= #el.text then res:insert(pandoc.Str(el.text:sub(debut))) end
  return res
end

local function classe_bloc(div)
  for _, c in ipairs(div.classes) do
    if EST_BLOC[c] then return c end
  end
  return nil
end

-- Parcourt une liste de blocs ; `niveau` vaut 0 au premier niveau du document, et augmente
-- dans tout Div (Pandoc en fait un conteneur Typst). Renvoie la liste et si elle a changé :
-- un Div inchangé est laissé tel quel. Les nœuds propres à Quarto (attribut __quarto_custom)
-- ne sont pas parcourus.
local function parcourir(blocs, niveau, etat)
  local res = pandoc.Blocks({})
  local change = false
  for _, b in ipairs(blocs) do
    if b.t == "Div" and b.attributes["__quarto_custom"] == nil then
      -- .content-visible / .content-hidden : remplacés par leur contenu (ou retirés) par
      -- Quarto ou par le filtre du moteur intégré ; ce ne sont donc pas des conteneurs.
      local transparent = b.classes:includes("content-visible") or b.classes:includes("content-hidden")
      local contenu, contenu_change = parcourir(b.content, transparent and niveau or niveau + 1, etat)
      local classe = classe_bloc(b)
      if classe then
        local page = (niveau == 0 and EST_PAGE[classe]) and ", page: true" or ""
        res:insert(pandoc.RawBlock("typst", "#bilan-bloc(" .. chaine_typst(classe) .. page .. ")["))
        res:extend(contenu)
        res:insert(pandoc.RawBlock("typst", "]"))
        change = true
      else
        if contenu_change then
          b.content = contenu
          change = true
        end
        res:insert(b)
      end
    elseif b.t == "Header" then
      local garder = true
      if b.level == 1 and etat.titre_accueil ~= nil and pandoc.utils.stringify(b.content) == etat.titre_accueil then
        garder = false  -- titre de la page d'accueil : HTML seulement
        change = true
      elseif b.level == 1 and niveau == 0 then
        if not b.classes:includes("liminaire") and not etat.toc_placee then
          res:insert(pandoc.RawBlock("typst", "#bilan-table-des-matieres()"))
          etat.toc_placee = true
        end
        res:insert(pandoc.RawBlock("typst", "#bilan-avant-chapitre()"))
        change = true
      end
      if garder and b.classes:includes("majuscules") then
        b.content = envelopper_inlines("#upper[", b.content)
        change = true
      elseif garder and b.classes:includes("annexe") then
        b.content = majuscules_avant_tiret(b.content)
        change = true
      end
      if garder and b.classes:includes("mesure") then
        res:insert(pandoc.RawBlock("typst", "#bilan-avant-mesure()"))
        change = true
      end
      if garder then res:insert(b) end
    else
      res:insert(b)
    end
  end
  return res, change
end

local function Pandoc(doc)
  if not sortie_typst() then return nil end
  local titre = doc.meta["bilan-titre-accueil"]
  local etat = { toc_placee = false, titre_accueil = titre and pandoc.utils.stringify(titre) or nil }
  local blocs, change = parcourir(doc.blocks, 0, etat)
  if not change then return nil end
  doc.blocks = blocs
  return doc
end

-- Premier caractère des cellules de tableau et des éléments de liste (voir l'en-tête).
local function Table(tbl)
  local function lignes(rangees)
    for _, rangee in ipairs(rangees) do
      for _, cellule in ipairs(rangee.cells) do cellule.contents = proteger_blocs(cellule.contents) end
    end
  end
  lignes(tbl.head.rows)
  for _, corps in ipairs(tbl.bodies) do
    lignes(corps.head)
    lignes(corps.body)
  end
  lignes(tbl.foot.rows)
  return tbl
end

local function Liste(liste)
  for i, element in ipairs(liste.content) do liste.content[i] = proteger_blocs(element) end
  return liste
end

-- Raccourcis et débuts de contenu, dans le corps du document seulement : les métadonnées
-- (titre du PDF) gardent le texte que Typst en tire lui-même.
local function Raccourcis(doc)
  if not sortie_typst() then return nil end
  doc.blocks = doc.blocks:walk({ Str = Str, Table = Table, BulletList = Liste, OrderedList = Liste })
  return doc
end

-- Rien hors de la sortie Typst. Les Span d'abord (ils peuvent se trouver dans un titre ou dans
-- un Div), puis le document, puis les raccourcis : les titres d'annexe y sont
-- encore coupés à leur tiret « – » (Str), que les raccourcis écrivent en Typst brut.
return {
  { Span = Span },
  { Pandoc = Pandoc },
  { Pandoc = Raccourcis },
}
