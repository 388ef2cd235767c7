-- The requests of one row of bench/bench_traffic.py. The Python side puts a `CONFIG = {...}` table above this
-- script: CONFIG.mode picks what each request is, the rest is the data the requests need.
--   fixed       the URL given to wrk, again and again (CONFIG.visitor as X-Forwarded-For)
--   new_visitor a random readable work page, each from an address no other request of the run uses
--   reader_set  a random page among a few works one visitor has already been counted on today (no new hits)
--   listings    40 fandoms x 4 sorts x 5 pages of guest listings (800 URLs)
--   mixed       60% new_visitor, 20% listings, 10% text searches, 5% signed-in reads, 5% kudos and comments
-- At the end one line starting with TRAFFIC reports the figures; Python reads it.

local threads = {}
local SORTS = { "kudos", "hits", "updated", "words" }

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local function read_ids(path)
  local list = {}
  if path then
    for line in io.lines(path) do
      list[#list + 1] = tonumber(line)
    end
  end
  return list
end

function init(args)
  statuses = {}
  kinds = {}
  visitors = CONFIG.first_visitor or 0  -- a row run again counts from its own million
  ids = read_ids(CONFIG.ids_file)
  -- wrk does not seed Lua's generator: without this every thread would send the same sequence.
  math.randomseed(CONFIG.seed * 100 + thread_number)
  if CONFIG.mode == "fixed" then
    wrk.headers["X-Forwarded-For"] = CONFIG.visitor
  end
end

-- A distinct address per request: the first octet names the wrk process and thread, the rest counts.
local function new_address()
  visitors = visitors + 1
  return string.format("%d.%d.%d.%d", CONFIG.first_octet + thread_number, math.floor(visitors / 65536) % 256,
    math.floor(visitors / 256) % 256, visitors % 256)
end

local function count(kind)
  kinds[kind] = (kinds[kind] or 0) + 1
end

local function random_work()
  return ids[math.random(1, #ids)]
end

local function listing_path()
  return string.format("/works/?include=Fandom+%06d&sort=%s&page=%d", math.random(1, 40),
    SORTS[math.random(1, #SORTS)], math.random(1, 5))
end

local function search_path()
  local words = CONFIG.search_words
  local first = words[math.random(1, #words)]
  if math.random() < 0.5 then
    return "/works/?q=" .. first .. "+" .. words[math.random(1, #words)]
  end
  return "/works/?q=" .. first .. "+" .. math.random(1, CONFIG.size)
end

local function new_visitor_page()
  count("work_page_new_visitor")
  return wrk.format("GET", "/works/" .. random_work() .. "/", { ["X-Forwarded-For"] = new_address() })
end

local function signed_in_post(session)
  local work = random_work()
  local headers = {
    ["Cookie"] = session.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = session.address,
  }
  local body = "csrfmiddlewaretoken=" .. session.token
  if math.random() < 0.5 then
    count("kudos")
    return wrk.format("POST", "/works/" .. work .. "/kudos/", headers, body .. "&next=/works/" .. work .. "/")
  end
  count("comment")
  local text = CONFIG.comment_text .. "+" .. thread_number .. "-" .. visitors
  visitors = visitors + 1
  return wrk.format("POST", "/works/" .. work .. "/comments/new/", headers,
    body .. "&pseud=" .. session.pseud .. "&text=" .. text)
end

local function mixed()
  local roll = math.random()
  if roll < 0.60 then
    return new_visitor_page()
  elseif roll < 0.80 then
    count("listing")
    return wrk.format("GET", listing_path(), { ["X-Forwarded-For"] = new_address() })
  elseif roll < 0.90 then
    count("text_search")
    return wrk.format("GET", search_path(), { ["X-Forwarded-For"] = new_address() })
  end
  local session = CONFIG.sessions[math.random(1, #CONFIG.sessions)]
  if roll < 0.95 then
    count("signed_in_read")
    return wrk.format("GET", "/works/" .. random_work() .. "/",
      { ["Cookie"] = session.cookie, ["X-Forwarded-For"] = session.address })
  end
  return signed_in_post(session)
end

-- A fixed URL keeps wrk's static request (no Lua per request), so the ceiling is not lowered by the client.
if CONFIG.mode ~= "fixed" then
  function request()
    local mode = CONFIG.mode
    if mode == "new_visitor" then
      return new_visitor_page()
    elseif mode == "reader_set" then
      return wrk.format("GET", "/works/" .. random_work() .. "/", { ["X-Forwarded-For"] = CONFIG.visitor })
    elseif mode == "listings" then
      return wrk.format("GET", listing_path())
    end
    return mixed()
  end

  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

local function merged(name)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get(name)) do
      total[key] = (total[key] or 0) + n
    end
  end
  local parts = {}
  for key, n in pairs(total) do
    parts[#parts + 1] = key .. ":" .. n
  end
  table.sort(parts)
  return table.concat(parts, ",")
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "TRAFFIC requests=%d seconds=%.3f p50=%d p95=%d p99=%d connect=%d read=%d write=%d timeout=%d status=%d " ..
    "statuses=%s kinds=%s\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect, errors.read, errors.write, errors.timeout, errors.status,
    merged("statuses"), merged("kinds")))
end
