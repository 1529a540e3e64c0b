import Foundation
import PostgresClient
import TreasuryProtocol

/// Health and reflection, offered by every server.
enum BuiltinMethods {
    static var all: [MethodDeclaration] { [health] }

    static let health = MethodDeclaration(
        "grpc.health.v1.Health/Check", "SERVING when the database answers, NOT_SERVING otherwise. Needs no token.",
        roles: [], requiresToken: false, params: [.optional("service", .string(.text, maximumLength: 200))],
        handler: .custom { context in
            // Not through the pool's queue: with every connection held by business calls, the
            // database still answers, and health must say so at once (PostgresPool.ping).
            let answered = await withTaskGroup(of: Bool.self) { group in
                group.addTask { await context.core.pool.ping() }
                group.addTask {
                    try? await Task.sleep(for: .seconds(3))
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            return .object(["status": .string(answered ? "SERVING" : "NOT_SERVING")])
        })

    /// Built from the same declarations the dispatcher uses, so it cannot drift from what runs.
    static func reflection(_ declarations: @escaping @Sendable () -> [MethodDeclaration]) -> MethodDeclaration {
        MethodDeclaration(
            "treasury.v1.Reflection/ListMethods", "Every method this server offers, with roles, params and result schemas and reasons.",
            roles: [], params: [],
            handler: .custom { context in
                let all = declarations() + [context.declaration]
                return .object(["methods": .array(all.map(describe))])
            })
    }

    static func describe(_ method: MethodDeclaration) -> JSON {
        .object([
            "name": .string(method.name), "description": .string(method.description),
            "streaming": .bool(method.isStreaming), "mutating": .bool(method.isMutating),
            "roles": .array(method.roles.map { .string($0.rawValue) }),
            "params": ParamType.object(method.params).jsonSchema, "result": method.result.jsonSchema,
            "reasons": .array(method.allReasons.map(JSON.string)),
        ])
    }
}
