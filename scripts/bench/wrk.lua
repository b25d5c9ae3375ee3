-- wrk script of `make bench`: prints one JSON line of figures when the run is done.
-- With BENCH_POST_BODY set it posts that form instead, as a logged-in user, each post
-- with a title of its own ("Bench post <run>-<thread>-<n>") so that duplicates would show.
-- With BENCH_PATH set (a path holding "{n}", "{k}", "{t}" or "{p}") each request asks for a
-- URL of its own, so that the page cache cannot answer.
-- BENCH_HEADERS: more request headers, "Name: value" lines separated by "|".

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

for header in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = header:match("^%s*([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end

local post_body = os.getenv("BENCH_POST_BODY")
if post_body then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
  local run = os.getenv("BENCH_RUN")
  sent = 0

  function request()
    sent = sent + 1
    local title = "title=Bench+post+" .. run .. "-" .. thread_number .. "-" .. sent
    return wrk.format(nil, nil, nil, post_body .. "&" .. title)
  end
end

local path_template = os.getenv("BENCH_PATH")
if path_template then
  local run = tonumber(os.getenv("BENCH_RUN")) or 0
  -- "first,last": the seconds (Unix time) of the span {t} is taken from.
  local first, last = (os.getenv("BENCH_TIMES") or "0,0"):match("(%d+),(%d+)")
  first, last = tonumber(first), tonumber(last)
  -- {p}: the lines of the file BENCH_PATHS (paths of their own, such as entries' pages).
  local paths = {}
  if os.getenv("BENCH_PATHS") then
    for line in io.lines(os.getenv("BENCH_PATHS")) do table.insert(paths, line) end
  end
  sent = 0

  function request()
    sent = sent + 1
    -- {n}: a number no other request of the bench sends. {k}: a 5-digit number no other
    -- request of this N's rounds sends (10,000 a thread and round), as in the seed's titles.
    local n = string.format("%d%d%07d", run, thread_number, sent)
    local k = 10000 + (run * 2 + thread_number - 1) * 10000 + sent % 10000
    -- {t}: a time of the span, as a page cursor spells it, spread over it (a crawler
    -- walking old pages, readers arriving from links).
    local spread = (sent * 7919 + thread_number * 104729 + run * 1299709) % (last - first + 1)
    local t = os.date("!%Y%m%dT%H%M%S", first + spread) .. "000000"
    -- {p}: a line of its own for each request of this N's rounds: the file is cut in
    -- BENCH_BLOCKS blocks, one for each thread of each run (the warm-up is run 0).
    local p = ""
    if #paths > 0 then
      local blocks = tonumber(os.getenv("BENCH_BLOCKS")) or 1
      local size = math.max(1, math.floor(#paths / blocks))
      local per_run = tonumber(os.getenv("BENCH_THREADS")) or 1
      local block = (run * per_run + thread_number - 1) % blocks
      p = paths[block * size + (sent - 1) % size + 1]
    end
    local path = path_template:gsub("{n}", n):gsub("{k}", tostring(k)):gsub("{t}", t)
    path = path:gsub("{p}", function() return p end)
    return wrk.format(nil, path)
  end
end

function done(summary, latency, requests)
  local sent_in_all = 0
  for _, thread in ipairs(threads) do
    sent_in_all = sent_in_all + (thread:get("sent") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"status_errors": %d, "socket_errors": %d, "posts_sent": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout, sent_in_all
  ))
end
