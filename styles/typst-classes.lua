--[[
typst-classes.lua : donne au PDF (Typst) la mise en forme que le HTML tire des classes CSS.

Le Markdown produit par le paquet bilan ne porte que des classes sémantiques
(.statut, .recommandations, .couverture…). Le HTML les stylise par styles/rapport.scss.
L'écrivain Typst de Pandoc, lui, abandonne les classes des Div et des Span ; ce filtre les
remplace, pour la sortie Typst seulement, par des appels aux fonctions de styles/rapport.typ :

  [EN COURS]{.statut .statut-en_cours}  → #bilan-statut("en_cours")[EN COURS]
  ::: {.recommandations} … :::          → #bilan-bloc("recommandations")[ … ]
  ::: {.couverture} … ::: (1er niveau)  → #bilan-bloc("couverture", page: true)[ … ]
  [TITRE]{.titre-plan}                  → #bilan-span("titre-plan")[TITRE]
  ## MESURE N° 1 … {.mesure}            → #bilan-avant-mesure() puis le titre
  # Titre de chapitre (1er niveau)      → #bilan-avant-chapitre() puis le titre ; la table
                                           des matières (#bilan-table-des-matieres()) avant
                                           le premier, donc après la couverture et le colophon

Sauts de page : Typst les refuse dans un conteneur (« pagebreaks are not allowed inside of
containers ») et Pandoc écrit tout Div en #block[…]. Le filtre n'en émet donc qu'au premier
niveau du document : couverture et colophon y ont leur propre page (page: true), ailleurs
ils deviennent de simples encadrés ; les titres de chapitre imbriqués n'ont pas de saut.

Pourquoi pas la traduction CSS → Typst de Quarto (« Typst CSS », docs/advanced/typst/typst-css) :
elle ne lit que l'attribut style en ligne (background-color et color d'un Span : un simple
surlignage ; font-family et font-size d'un Div) ; elle ne sait pas faire une étiquette ni un
encadré, et obligerait le Markdown à répéter les couleurs dans chaque étiquette.

Seules les classes listées ci-dessous sont touchées : les Div de Quarto (.cell, .callout-*,
.content-visible…) passent intactes. Le filtre est déclaré dans _quarto.yml (filters) ; sans
position, Quarto l'exécute avant ses propres filtres. Il fonctionne aussi avec Pandoc seul
(tests/test_rendu.py).
]]

-- Classes de Div et de Span prises en charge ; chacune a sa fonction dans styles/rapport.typ
-- (dictionnaires bilan-blocs et bilan-spans) et sa règle dans styles/rapport.scss.
local BLOCS = {
  "couverture", "colophon", "signature", "recommandations", "note-mesure", "slogan",
  "avertissement", "mesures-liees", "ajout", "source-tableau",
}
local SPANS = { "titre-plan", "sous-titre-plan", "titre-rapport", "depot" }
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

local function envelopper_inlines(ouverture, contenu)
  local res = pandoc.Inlines({ pandoc.RawInline("typst", ouverture) })
  res:extend(contenu)
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
  return nil
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
      -- .content-visible / .content-hidden : Quarto remplace le Div par son contenu (ou le
      -- retire) ; il ne fait donc pas un conteneur.
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
      if b.level == 1 and niveau == 0 then
        if not etat.toc_placee then
          res:insert(pandoc.RawBlock("typst", "#bilan-table-des-matieres()"))
          etat.toc_placee = true
        end
        res:insert(pandoc.RawBlock("typst", "#bilan-avant-chapitre()"))
        change = true
      end
      if b.classes:includes("mesure") then
        res:insert(pandoc.RawBlock("typst", "#bilan-avant-mesure()"))
        change = true
      end
      res:insert(b)
    else
      res:insert(b)
    end
  end
  return res, change
end

local function Pandoc(doc)
  if not sortie_typst() then return nil end
  local blocs, change = parcourir(doc.blocks, 0, { toc_placee = false })
  if not change then return nil end
  doc.blocks = blocs
  return doc
end

-- Les Span d'abord (ils peuvent se trouver dans un titre ou dans un Div), puis le document.
return {
  { Span = Span },
  { Pandoc = Pandoc },
}
