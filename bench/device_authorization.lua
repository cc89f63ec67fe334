-- POST /device_authorization as the benchmark's TV client. Every code received is written to
-- codes-<thread>.txt as "device_code user_code": the pool the polling row rotates over and the
-- approval row approves (the user code is what a person types, the device code what the TV
-- polls and redeems with).
--
-- Bounded (bounded.lua): BENCH_QUOTA requests in all (split over the threads; default no
-- limit) within BENCH_LIMIT_SECONDS, and every request sent is answered, so each grant the
-- server made is in the file. BENCH_KEEP=0 fills the data file without keeping the codes.
local bounded = dofile(os.getenv("BENCH_SCRIPTS") .. "/bounded.lua")
local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   local threads_n = tonumber(os.getenv("BENCH_THREADS"))
   local quota = tonumber(os.getenv("BENCH_QUOTA") or "") or math.huge
   -- Thread n takes its share of the quota; the first threads take the remainder.
   local share = math.floor(quota / threads_n)
   if quota ~= math.huge and id <= quota % threads_n then share = share + 1 end
   bounded.start(share, tonumber(os.getenv("BENCH_LIMIT_SECONDS")))
   if os.getenv("BENCH_KEEP") ~= "0" then
      codes = io.open(os.getenv("BENCH_DIR") .. "/codes-" .. id .. ".txt", "w")
   end
   wrk.method = "POST"
   -- offline_access, so that a redemption of these codes also returns a refresh token.
   wrk.body = "client_id=bench-tv&scope=openid%20offline_access"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   issued, other = 0, 0
end

function delay()
   return bounded.delay()
end

function response(status, headers, body)
   bounded.answered()
   local device_code, user_code
   if status == 200 then
      device_code = string.match(body, '"device_code":"([^"]+)"')
      user_code = string.match(body, '"user_code":"([^"]+)"')
   end
   if device_code and user_code then
      if codes then
         codes:write(device_code, " ", user_code, "\n")
      end
      issued = issued + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local issued_all, other_all = 0, 0
   for _, thread in ipairs(threads) do
      issued_all = issued_all + thread:get("issued")
      other_all = other_all + thread:get("other")
   end
   io.write(string.format("MIX issued=%d other=%d\n", issued_all, other_all))
end
