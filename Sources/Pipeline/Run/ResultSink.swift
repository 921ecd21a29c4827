package import Ingest

/// Where a batch's per-row outcomes go, in input order (Export's report writer is one).
package protocol ResultSink: AnyObject {
    func add(_ result: LeadResult, raw: RawRecord?) throws
}
