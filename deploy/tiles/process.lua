-- Hamyari's street map profile for tilemaker: what a coordinator needs to find an address —
-- streets with their names, named places (city to neighbourhood), water, parks and the
-- administrative borders (provinces and counties) — in four layers, names in Persian and
-- English kept beside the local name. Used by scripts/osm-tiles.sh with config.json.

node_keys = { "place" }

-- The zoom from which a place's name is worth drawing.
local place_zoom = {
  city = 4, town = 8, village = 11, suburb = 11, quarter = 12, neighbourhood = 13, hamlet = 13,
}

-- Road classes, the zoom from which each is kept, and its drawing rank (higher is bigger).
local road = {
  motorway = { 5, 6 }, trunk = { 6, 6 }, primary = { 8, 5 }, secondary = { 9, 4 },
  tertiary = { 11, 3 }, unclassified = { 12, 2 }, residential = { 12, 2 },
  living_street = { 13, 1 }, service = { 14, 1 }, pedestrian = { 13, 1 }, footway = { 14, 0 },
  path = { 14, 0 }, track = { 14, 0 },
}

local function names(obj)
  obj:Attribute("name", obj:Find("name"))
  local fa, en = obj:Find("name:fa"), obj:Find("name:en")
  if fa ~= "" then obj:Attribute("name_fa", fa) end
  if en ~= "" then obj:Attribute("name_en", en) end
end

function init_function()
end

function exit_function()
end

function node_function(node)
  local place = node:Find("place")
  local zoom = place_zoom[place]
  if zoom and node:Find("name") ~= "" then
    node:Layer("place", false)
    node:Attribute("class", place)
    node:MinZoom(zoom)
    names(node)
    local pop = tonumber(node:Find("population"))
    if pop then node:AttributeNumeric("population", pop) end
  end
end

function way_function(way)
  local highway = way:Find("highway")
  local link = highway:match("^(.*)_link$")
  local class = road[link or highway]
  if class then
    way:Layer("transportation", false)
    way:Attribute("class", link or highway)
    way:AttributeNumeric("rank", class[2])
    way:MinZoom(class[1])
    if way:Find("name") ~= "" then names(way) end
    return
  end
  local natural, landuse, leisure = way:Find("natural"), way:Find("landuse"), way:Find("leisure")
  if natural == "water" or way:Find("waterway") == "riverbank" or landuse == "reservoir" then
    way:Layer("water", true)
    way:MinZoom(8)
    return
  end
  if leisure == "park" or landuse == "grass" or landuse == "forest" then
    way:Layer("landuse", true)
    way:Attribute("class", leisure ~= "" and leisure or landuse)
    way:MinZoom(11)
    if way:Find("name") ~= "" then names(way) end
    return
  end
  if way:Find("boundary") == "administrative" then
    local level = tonumber(way:Find("admin_level"))
    if level and level <= 6 then
      way:Layer("boundary", false)
      way:AttributeNumeric("admin_level", level)
      way:MinZoom(level <= 4 and 4 or 8)
    end
  end
end
