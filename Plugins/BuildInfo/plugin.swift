import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` for the CLI before each build: the git commit of the checkout and the
/// swift-nio version that `Package.resolved` pins ("unknown" where either cannot be read, as in a source
/// tarball). The file is only rewritten when its text changes, so an unchanged commit recompiles nothing.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo.swift")
        let script = #"""
            root="$1"; out="$2"
            commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
            if [ "$commit" != unknown ] && [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
                commit="$commit+changes"
            fi
            nio=$(sed -n '/"identity" : "swift-nio"/,/}/s/.*"version" : "\([^"]*\)".*/\1/p' "$root/Package.resolved" 2>/dev/null | head -n 1)
            [ -n "$nio" ] || nio=unknown
            text="/// Written by the BuildInfo plugin before each build.
            enum BuildInfo {
                static let commit = \"$commit\"
                static let swiftNIOVersion = \"$nio\"
            }"
            [ "$(cat "$out" 2>/dev/null)" = "$text" ] || printf '%s\n' "$text" > "$out"
            """#
        return [
            .prebuildCommand(
                displayName: "Build info (commit, swift-nio version)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path],
                outputFilesDirectory: context.pluginWorkDirectoryURL)
        ]
    }
}
