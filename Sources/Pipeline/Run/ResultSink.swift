package import Ingest
package import LeadModel

/// Where a batch's per-row outcomes go, in input order (Export's report writer is one).
package protocol ResultSink: AnyObject {
    func add(_ result: LeadResult, raw: RawRecord?) throws
}
