-- wrk script for the paced HTTP runs and the soak of bench/capture/run.sh: a steady request
-- rate, with connection churn if asked.
--
--   wrk -t1 -cC -dS -s soak.lua URL -- DELAY_MS CLOSE_EVERY
--
-- Each connection waits DELAY_MS before each request (wrk's delay() hook), so the rate is about
-- C * 1000 / (DELAY_MS + latency) requests/s. Every CLOSE_EVERY-th request of a thread asks for
-- "Connection: close": nginx closes after answering and wrk reconnects, so new TCP flows keep
-- starting and old ones end (the worker's flow table and idle timeouts are exercised, not only
-- a few long keep-alive streams). 0 disables the churn.

local delay_ms = 4
local close_every = 100
local n = 0

function init(args)
  delay_ms = tonumber(args[1]) or delay_ms
  close_every = tonumber(args[2]) or close_every
end

function delay()
  return delay_ms
end

function request()
  n = n + 1
  if close_every > 0 and n % close_every == 0 then
    return wrk.format("GET", nil, { ["Connection"] = "close" })
  end
  return wrk.format("GET", nil)
end
