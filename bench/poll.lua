-- POST /token as the devices polling: each request takes the next pending device code from
-- the pool (codes-*.txt, "device_code user_code" per line), so with a pool larger than
-- rate x interval no code is polled too soon; the outcome of every answer is counted and
-- printed as the status mix.
local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   pool = {}
   local dir = os.getenv("BENCH_DIR")
   local files = tonumber(os.getenv("BENCH_CODE_FILES"))
   for n = 1, files do
      for line in io.lines(dir .. "/codes-" .. n .. ".txt") do
         table.insert(pool, string.match(line, "^(%S+)"))
      end
   end
   -- Threads start at different places in the pool.
   next_code = math.floor(#pool * (id - 1) / counter_hint()) + 1
   outcomes = { authorization_pending = 0, slow_down = 0, other = 0 }
end

function counter_hint()
   return tonumber(os.getenv("BENCH_THREADS"))
end

function request()
   local code = pool[next_code]
   next_code = next_code % #pool + 1
   return wrk.format("POST", "/token", { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=bench-tv&device_code=" .. code)
end

function response(status, headers, body)
   local error = string.match(body, '"error":"([a-z_]+)"')
   if error == "authorization_pending" or error == "slow_down" then
      outcomes[error] = outcomes[error] + 1
   else
      outcomes.other = outcomes.other + 1
   end
end

function done(summary, latency, requests)
   local pending, slow, other = 0, 0, 0
   for _, thread in ipairs(threads) do
      local o = thread:get("outcomes")
      pending = pending + o.authorization_pending
      slow = slow + o.slow_down
      other = other + o.other
   end
   io.write(string.format("MIX authorization_pending=%d slow_down=%d other=%d\n", pending, slow, other))
end
