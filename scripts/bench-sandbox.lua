-- wrk script for scripts/bench-sandbox.sh: POSTs the provider's sample lead with a fresh phone per
-- request (and rotating verticals), so the sandbox's per-lead maps grow as in a real run.
local threads = 0

function setup(thread)
    thread:set("tid", threads)
    threads = threads + 1
end

local verticals = { "insurance", "mortgage", "solar", "debt" }
local counter = 0

wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer dl_test_bench"
wrk.headers["Content-Type"] = "application/json"

function request()
    counter = counter + 1
    local phone = string.format("+1%03d%07d", 200 + tid, counter % 10000000)
    local body = '{"vertical":"' .. verticals[counter % 4 + 1] .. '","first_name":"Maria","last_name":"G.",'
        .. '"email":"m' .. counter .. '@example.com","phone":"' .. phone .. '","zip":"33601",'
        .. '"tcpa_timestamp":"2026-04-27T09:14:22Z","tcpa_text":"By submitting...",'
        .. '"tcpa_url":"https://seo.example.com/page"}'
    return wrk.format(nil, nil, nil, body)
end
