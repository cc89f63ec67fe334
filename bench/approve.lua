-- POST /device/decision as one signed-in person approving the pending codes of the pool, each
-- exactly once: thread n approves the user codes in codes-<n>.txt, in order, until they run
-- out or the row's time is up (bounded.lua), and writes the device code of each one it sent
-- an approval for to approved-<n>.txt, the pool the redemption row redeems. Every approval
-- sent is answered before the thread stops, so when the mix shows only "approved", every code
-- in approved-<n>.txt is approved.
--
-- The browser: BENCH_COOKIE (its session cookie, "name=value"), BENCH_CSRF (the form token,
-- a function of that cookie, so one serves every form) and BENCH_ORIGIN (the server's own
-- origin, as a browser sends it on a same-origin form post).
local bounded = dofile(os.getenv("BENCH_SCRIPTS") .. "/bounded.lua")
local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   local dir = os.getenv("BENCH_DIR")
   pool = {}
   for line in io.lines(dir .. "/codes-" .. id .. ".txt") do
      local device_code, user_code = string.match(line, "^(%S+) (%S+)$")
      table.insert(pool, { device = device_code, user = user_code })
   end
   bounded.start(#pool, tonumber(os.getenv("BENCH_LIMIT_SECONDS")))
   approved_file = io.open(dir .. "/approved-" .. id .. ".txt", "w")
   headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = os.getenv("BENCH_COOKIE"),
      ["Origin"] = os.getenv("BENCH_ORIGIN"),
   }
   body_tail = "&decision=approve&csrf_token=" .. os.getenv("BENCH_CSRF")
   next_code = 1
   outcomes = { approved = 0, other = 0 }
   statuses = {}
end

function delay()
   return bounded.delay()
end

function request()
   if not bounded.take() then
      return wrk.format()
   end
   local code = pool[next_code]
   next_code = next_code + 1
   approved_file:write(code.device, "\n")
   return wrk.format("POST", "/device/decision", headers, "user_code=" .. code.user .. body_tail)
end

function response(status, headers, body)
   bounded.answered()
   -- Approved: on to the page that says so (Post/Redirect/Get).
   local location = headers["location"] or headers["Location"] or ""
   if status == 303 and string.find(location, "outcome=approved", 1, true) then
      outcomes.approved = outcomes.approved + 1
   else
      outcomes.other = outcomes.other + 1
      -- Which statuses the others were: 429 would be a rate limit, 409 a code used twice.
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local approved, other, statuses_all = 0, 0, {}
   for _, thread in ipairs(threads) do
      local o = thread:get("outcomes")
      approved = approved + o.approved
      other = other + o.other
      for status, count in pairs(thread:get("statuses")) do
         statuses_all[status] = (statuses_all[status] or 0) + count
      end
   end
   local detail = ""
   for status, count in pairs(statuses_all) do
      detail = detail .. string.format(" status_%d=%d", status, count)
   end
   io.write(string.format("MIX approved=%d other=%d%s\n", approved, other, detail))
end
