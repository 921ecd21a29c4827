import Foundation
import Testing

/// `leadspool receive` as a buyer runs it, against deliveries signed by other implementations (Python's
/// hmac, `sandbox deliver`), with real HTTP on loopback, the real ledger and the real outbox.
@Suite struct ReceiveEndToEndTests {
    @Test func independentSignatureIsAcceptedAndAOneByteChangeRefused() throws {
        let directory = try TemporaryDirectory("receive-sig")
        let receiver = try ReceiveProcess(root: directory.url.path)
        defer { receiver.stop() }
        let body = webhookBody()
        let signature = try pythonSignature(body, secret: "s3cret")
        #expect(signature.hasPrefix("sha256=") && signature.count == 71)
        let answer = receiver.post(body, leadID: "ld_8f2a91bc", signature: signature)
        #expect(answer.status == 200)
        #expect(answer.body == #"{"status":"accepted"}"#)

        var changed = body
        changed[changed.count - 3] ^= 0x01
        let refused = receiver.post(changed, leadID: "ld_8f2a91bd", signature: signature)
        #expect(refused.status == 401)
        #expect(refused.body.isEmpty)
        #expect(receiver.post(body, leadID: "ld_8f2a91be", signature: nil).status == 401)
        #expect(receiver.post(body, leadID: "ld_8f2a91bf", signature: signature, contentType: "text/plain").status == 415)
        let big = Data(repeating: 0x20, count: (1 << 20) + 1)
        #expect(receiver.post(big, leadID: "ld_8f2a91c0", signature: signature).status == 413)
        let notJSON = Data("not json".utf8)
        #expect(receiver.post(notJSON, leadID: "ld_8f2a91c1", signature: try pythonSignature(notJSON, secret: "s3cret"))
            .status == 400)
        // An unknown API version is accepted, and logged.
        let later = webhookBody(phone: "+12125550147", email: "later@example.com")
        let laterAnswer = receiver.post(
            later, leadID: "ld_8f2a91c2", signature: try pythonSignature(later, secret: "s3cret"), version: "2027-01")
        #expect(laterAnswer.body == #"{"status":"accepted"}"#)
        receiver.stop()
        #expect(receiver.stderr.contains("unknown API version"))
        #expect(!receiver.stderr.contains("s3cret"))
        #expect(!receiver.stderr.contains("8135550100"))
        #expect(try receiver.leadIDsOnDisk().sorted() == ["ld_8f2a91bc", "ld_8f2a91c2"])
    }

    @Test func everySecretOfARotationIsAccepted() throws {
        let directory = try TemporaryDirectory("receive-rotation")
        let receiver = try ReceiveProcess(root: directory.url.path, secrets: ["old-secret", "new-secret"])
        defer { receiver.stop() }
        let one = webhookBody(phone: "+12125550147", email: "a@example.com")
        let two = webhookBody(phone: "+12125550148", email: "b@example.com")
        #expect(receiver.post(one, leadID: "ld_old", signature: try pythonSignature(one, secret: "old-secret")).status == 200)
        #expect(receiver.post(two, leadID: "ld_new", signature: try pythonSignature(two, secret: "new-secret")).status == 200)
        #expect(receiver.post(two, leadID: "ld_gone", signature: try pythonSignature(two, secret: "retired")).status == 401)
    }

    @Test func aReplayGetsTheStoredAnswerAndIsWrittenOnce() throws {
        let directory = try TemporaryDirectory("receive-replay")
        let receiver = try ReceiveProcess(root: directory.url.path, config: "verticals = [\"insurance\"]\n")
        defer { receiver.stop() }
        let lead = webhookBody()
        let signature = try pythonSignature(lead, secret: "s3cret")
        let first = receiver.post(lead, leadID: "ld_replay1", signature: signature)
        let again = receiver.post(lead, leadID: "ld_replay1", signature: signature)
        #expect(first.body == #"{"status":"accepted"}"#)
        #expect(again.body == first.body)
        let solar = webhookBody(vertical: "solar", phone: "+12125550149", email: "s@example.com")
        let solarSignature = try pythonSignature(solar, secret: "s3cret")
        let refused = receiver.post(solar, leadID: "ld_replay2", signature: solarSignature)
        #expect(refused.body == #"{"status":"rejected","reason":"vertical_not_bought","detail":"solar"}"#)
        #expect(receiver.post(solar, leadID: "ld_replay2", signature: solarSignature).body == refused.body)

        // sandbox deliver's replays, across a restart too.
        let answers = directory.path("answers.jsonl")
        let run = try runLeadspool([
            "sandbox", "deliver", "--to", receiver.endpoint, "--secret-file", directory.path("secret"), "--count", "60",
            "--rate", "0", "--replay-rate", "0.3", "--seed", "4", "--answers", answers,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        receiver.stop()
        let restarted = try ReceiveProcess(root: directory.url.path, config: "verticals = [\"insurance\"]\n")
        defer { restarted.stop() }
        #expect(restarted.post(lead, leadID: "ld_replay1", signature: signature).body == first.body)
        restarted.stop()
        let onDisk = try restarted.leadIDsOnDisk()
        #expect(onDisk.count == Set(onDisk).count, "a lead written twice")
        let accepted = try Self.answered(answers, status: "accepted")
        #expect(!accepted.isEmpty)
        #expect(accepted.isSubset(of: Set(onDisk)))
        let lines = try String(contentsOfFile: answers, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains(#""kind":"replay""#) }, "no replay was sent")
    }

    @Test func outboxRotatesIntoCSVForTheCRMWithASummary() throws {
        let directory = try TemporaryDirectory("receive-rotate")
        let receiver = try ReceiveProcess(
            root: directory.url.path,
            config: "rotate_leads = 10\ncsv_columns = [\"Lead=lead_id\", \"phone\", \"state\", \"bid_amount\"]\n")
        defer { receiver.stop() }
        let run = try runLeadspool([
            "sandbox", "deliver", "--to", receiver.endpoint, "--secret-file", directory.path("secret"), "--count", "35",
            "--rate", "0", "--concurrency", "4", "--seed", "9",
        ])
        #expect(run.status == 0)
        #expect(String(decoding: run.stdout, as: UTF8.self).contains("200 accepted: 35"))
        receiver.stop()
        let ready = try receiver.readyFiles()
        let batches = ready.filter { $0.hasSuffix(".jsonl") }
        #expect(batches.count >= 4)
        for batch in batches {
            let base = String(batch.dropLast(".jsonl".count))
            #expect(ready.contains(base + ".csv"))
            #expect(ready.contains(base + ".summary.json"))
        }
        var rows = 0
        for csv in ready where csv.hasSuffix(".csv") {
            let lines = try String(contentsOfFile: receiver.root + "/receive/ready/" + csv, encoding: .utf8)
                .split(separator: "\r\n")
            #expect(lines.first == "Lead,phone,state,bid_amount")
            rows += lines.count - 1
            // The phone cell is neutralised against formula injection, as in the publisher reports.
            #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",")[1].hasPrefix("'+1") })
        }
        #expect(rows == 35)
        var accepted = 0
        for summary in ready where summary.hasSuffix(".summary.json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: receiver.root + "/receive/ready/" + summary))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            accepted += object["accepted"] as? Int ?? 0
            #expect((object["bids"] as? [String: Any])?["count"] as? Int == object["accepted"] as? Int)
        }
        #expect(accepted == 35)
    }

    @Test func dailyCapsAndDedupeAgainstTheBuyersLedger() throws {
        let directory = try TemporaryDirectory("receive-caps")
        let config = "daily_caps = { insurance = 2 }\ndedupe_days = 30\n"
        let receiver = try ReceiveProcess(root: directory.url.path, config: config)
        defer { receiver.stop() }
        func send(_ id: String, _ phone: String, _ email: String, vertical: String = "insurance") throws -> String {
            let body = webhookBody(vertical: vertical, phone: phone, email: email)
            return receiver.post(body, leadID: id, signature: try pythonSignature(body, secret: "s3cret")).body
        }
        let accepted = #"{"status":"accepted"}"#
        #expect(try send("ld_c1", "+12125550101", "one@example.com") == accepted)
        // The same phone again in the same vertical: a duplicate, and it takes no cap.
        #expect(try send("ld_c2", "+12125550101", "other@example.com") == #"{"status":"rejected","reason":"duplicate"}"#)
        // The same email: a duplicate too.
        #expect(try send("ld_c3", "+12125550102", "one@example.com") == #"{"status":"rejected","reason":"duplicate"}"#)
        #expect(try send("ld_c4", "+12125550103", "three@example.com") == accepted)
        #expect(
            try send("ld_c5", "+12125550104", "four@example.com")
                == #"{"status":"rejected","reason":"daily_cap","detail":"insurance"}"#)
        // Another vertical has no cap, and the phone bought for insurance is new there.
        #expect(try send("ld_c6", "+12125550101", "one@example.com", vertical: "solar") == accepted)
        receiver.stop()

        // Both remembered across a restart: the ledger, not memory.
        let restarted = try ReceiveProcess(root: directory.url.path, config: config)
        defer { restarted.stop() }
        func sendAgain(_ id: String, _ phone: String, _ email: String) throws -> String {
            let body = webhookBody(phone: phone, email: email)
            return restarted.post(body, leadID: id, signature: try pythonSignature(body, secret: "s3cret")).body
        }
        #expect(try sendAgain("ld_c7", "+12125550103", "new@example.com") == #"{"status":"rejected","reason":"duplicate"}"#)
        #expect(try sendAgain("ld_c8", "+12125550105", "five@example.com").contains("daily_cap"))
        restarted.stop()
        // No PII in the ledger: phones and emails only as keyed hashes.
        let ledger = try Data(contentsOf: URL(fileURLWithPath: directory.path("receive/ledger.sqlite")))
            + ((try? Data(contentsOf: URL(fileURLWithPath: directory.path("receive/ledger.sqlite-wal")))) ?? Data())
        #expect(ledger.range(of: Data("2125550101".utf8)) == nil)
        #expect(ledger.range(of: Data("one@example.com".utf8)) == nil)
    }

    @Test func theDeadlineAnswersTimeoutRatherThanLate() throws {
        let directory = try TemporaryDirectory("receive-deadline")
        let receiver = try ReceiveProcess(root: directory.url.path, config: "deadline_ms = 200\n")
        defer { receiver.stop() }
        // Another process holds the ledger's write lock for 3 s: the writer cannot record answers meanwhile.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); "
                + "print('locked', flush=True); time.sleep(3); c.execute('COMMIT')",
            directory.path("receive/ledger.sqlite"),
        ]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        _ = output.fileHandleForReading.availableData
        let answers = directory.path("answers.jsonl")
        let run = try runLeadspool([
            "sandbox", "deliver", "--to", receiver.endpoint, "--secret-file", directory.path("secret"), "--count", "20",
            "--rate", "0", "--concurrency", "20", "--seed", "2", "--answers", answers,
        ])
        holder.waitUntilExit()
        #expect(run.status == 0)
        let timedOut = try Self.answered(answers, status: "rejected", reason: "timeout")
        #expect(!timedOut.isEmpty, "no delivery waited past the deadline")
        // A timed-out lead is not bought: not in the outbox, and its replay gets the same answer.
        let replay = try runLeadspool([
            "sandbox", "deliver", "--to", receiver.endpoint, "--secret-file", directory.path("secret"), "--count", "20",
            "--rate", "0", "--seed", "2", "--answers", answers,
        ])
        #expect(replay.status == 0)
        #expect(try Self.answered(answers, status: "rejected", reason: "timeout") == timedOut)
        receiver.stop()
        #expect(Set(try receiver.leadIDsOnDisk()).isDisjoint(with: timedOut))
    }

    /// `kill -9` of the receiver under load from `sandbox deliver`, 20 times, each cycle re-sending the ids of
    /// the one before: every lead answered `accepted` is in the outbox exactly once.
    @Test func killNineLosesNoAcceptedLeadAndWritesNoneTwice() throws {
        let directory = try TemporaryDirectory("receive-kill")
        var accepted = Set<String>()
        var killedMidway = 0
        for cycle in 0..<20 {
            let receiver = try ReceiveProcess(root: directory.url.path, config: "rotate_leads = 40\n")
            let answers = directory.path("answers-\(cycle).jsonl")
            let deliver = Process()
            deliver.executableURL = try leadspoolExecutable()
            deliver.arguments = [
                "sandbox", "deliver", "--to", receiver.endpoint, "--secret-file", directory.path("secret"), "--count",
                "400", "--rate", "0", "--concurrency", "16", "--seed", "\(cycle / 2)", "--replay-rate", "0.1",
                "--answers", answers,
            ]
            deliver.standardOutput = FileHandle.nullDevice
            deliver.standardError = FileHandle.nullDevice
            try deliver.run()
            // Kill once the receiver has written something, a little later each cycle.
            let outbox = directory.path("receive/outbox")
            while deliver.isRunning,
                (try? FileManager.default.contentsOfDirectory(atPath: outbox))?.isEmpty ?? true
            {
                usleep(1000)
            }
            usleep(UInt32(1000 * (cycle % 7) * 5))
            if deliver.isRunning { killedMidway += 1 }
            receiver.killNine()
            deliver.waitUntilExit()
            accepted.formUnion(try Self.answered(answers, status: "accepted"))
        }
        let last = try ReceiveProcess(root: directory.url.path)
        last.stop()
        let onDisk = try last.leadIDsOnDisk()
        let counts = Dictionary(onDisk.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(killedMidway >= 10, "the deliveries ended before the kill: the test exercised too little")
        #expect(!accepted.isEmpty)
        #expect(accepted.subtracting(counts.keys).isEmpty, "accepted but lost: \(accepted.subtracting(counts.keys).prefix(5))")
        #expect(counts.values.allSatisfy { $0 == 1 }, "written twice: \(counts.filter { $0.value > 1 }.keys.prefix(5))")
    }

    /// The lead ids of an `--answers` file with this status (and reason).
    static func answered(_ path: String, status: String, reason: String? = nil) throws -> Set<String> {
        var ids = Set<String>()
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            guard object["http_status"] as? Int == 200, object["status"] as? String == status else { continue }
            if let reason, object["reason"] as? String != reason { continue }
            if let id = object["lead_id"] as? String { ids.insert(id) }
        }
        return ids
    }
}
