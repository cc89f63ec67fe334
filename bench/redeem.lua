-- POST /token with grant_type=device_code as the TVs whose codes were approved: thread n
-- redeems each device code in approved-<n>.txt exactly once (a second try would only hear
-- invalid_grant), until they run out or the row's time is up (bounded.lua). A redemption
-- counts as "tokens" only when the answer carries an access token, an ID token and a refresh
-- token; invalid_grant, authorization_pending (the approval did not happen) and anything else
-- are counted apart, so the row's mix shows whether its rate is all redemptions.
local bounded = dofile(os.getenv("BENCH_SCRIPTS") .. "/bounded.lua")
local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   pool = {}
   for line in io.lines(os.getenv("BENCH_DIR") .. "/approved-" .. id .. ".txt") do
      table.insert(pool, line)
   end
   bounded.start(#pool, tonumber(os.getenv("BENCH_LIMIT_SECONDS")))
   next_code = 1
   outcomes = { tokens = 0, invalid_grant = 0, authorization_pending = 0, incomplete = 0, other = 0 }
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
   return wrk.format("POST", "/token", { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=bench-tv&device_code=" .. code)
end

function response(status, headers, body)
   bounded.answered()
   if status == 200 then
      local complete = string.find(body, '"access_token":"', 1, true)
         and string.find(body, '"id_token":"', 1, true)
         and string.find(body, '"refresh_token":"', 1, true)
      local kind = complete and "tokens" or "incomplete"
      outcomes[kind] = outcomes[kind] + 1
      return
   end
   local error = string.match(body, '"error":"([a-z_]+)"')
   if error == "invalid_grant" or error == "authorization_pending" then
      outcomes[error] = outcomes[error] + 1
   else
      outcomes.other = outcomes.other + 1
   end
end

function done(summary, latency, requests)
   local all = { tokens = 0, invalid_grant = 0, authorization_pending = 0, incomplete = 0, other = 0 }
   for _, thread in ipairs(threads) do
      for kind, count in pairs(thread:get("outcomes")) do
         all[kind] = all[kind] + count
      end
   end
   -- authorization_pending and incomplete appear only when they happened.
   local mix = string.format("MIX tokens=%d invalid_grant=%d", all.tokens, all.invalid_grant)
   for _, kind in ipairs({ "authorization_pending", "incomplete" }) do
      if all[kind] > 0 then mix = mix .. string.format(" %s=%d", kind, all[kind]) end
   end
   io.write(mix .. string.format(" other=%d\n", all.other))
end
