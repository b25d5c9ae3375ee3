-- wrk script of `make bench`: prints one JSON line of figures when the run is done.
-- With BENCH_POST_BODY set it posts that form instead, as a logged-in user, each post
-- with a title of its own ("Bench post <run>-<thread>-<n>") so that duplicates would show.
-- With BENCH_PATH set (a path holding "{n}", "{k}" or "{t}") each request asks for a URL
-- of its own, so that the page cache cannot answer.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
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
  -- "first,last": the seconds (Unix time) of the oldest and newest entry, for {t}.
  local first, last = (os.getenv("BENCH_TIMES") or "0,0"):match("(%d+),(%d+)")
  first, last = tonumber(first), tonumber(last)
  sent = 0

  function request()
    sent = sent + 1
    -- {n}: a number no other request of the bench sends. {k}: a 5-digit number no other
    -- request of this N's rounds sends (10,000 a thread and round), as in the seed's titles.
    local n = string.format("%d%d%07d", run, thread_number, sent)
    local k = 10000 + (run * 2 + thread_number - 1) * 10000 + sent % 10000
    -- {t}: a time between the oldest and newest entry, as a page cursor spells it, spread
    -- over the whole blog (a crawler walking old pages, readers arriving from links).
    local spread = (sent * 7919 + thread_number * 104729 + run * 1299709) % (last - first + 1)
    local t = os.date("!%Y%m%dT%H%M%S", first + spread) .. "000000"
    local path = path_template:gsub("{n}", n):gsub("{k}", tostring(k)):gsub("{t}", t)
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
