-- wrk script of `make bench`: prints one JSON line of figures when the run is done.
-- With BENCH_POST_BODY set it posts that form instead, as a logged-in user, each post
-- with a title of its own ("Bench post <run>-<thread>-<n>") so that duplicates would show.

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
