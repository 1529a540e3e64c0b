import Testing
import TreasuryClient
import TreasuryProtocol
@testable import TreasuryServer

@Suite("Call lifecycle")
struct CallLifecycleTests {
    @Test func cancelOfARunningCallGivesCancelledAndAnUnknownCancelIsIgnored() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            try await connection.send(#"{"id":"nobody","cancel":true}"# + "\n")
            try await connection.send(#"{"id":"s","method":"test.v1.Echo/Sleep","params":{"ms":10000}}"# + "\n")
            try #require(try await server.callsRunning(1), "the call is in flight")
            let start = ContinuousClock.now
            try await connection.send(#"{"id":"s","cancel":true}"# + "\n")
            let answer = try #require(try await readObject(connection))
            #expect(answer["id"] == .string("s"))
            #expect(answer.errorCode == "CANCELLED")
            #expect(ContinuousClock.now - start < .seconds(8), "long before the 10 s sleep ends")
            // Nothing was written for the unknown id: the next line is the next answer.
            try await connection.send(#"{"id":"after","method":"test.v1.Echo/Echo"}"# + "\n")
            #expect(try await connection.readLine() == #"{"id":"after","result":{}}"#)
            await connection.close()
        }
    }

    /// PROTOCOL.md: a call stops being in flight when its terminal line is sent, so a client
    /// that reuses the id as soon as it reads that line must never see DUPLICATE_CALL_ID.
    @Test func aClosedLoopClientReusingOneIdNeverSeesDuplicateCallID() async throws {
        try await withServer { server in
            let connection = try await server.raw()
            var duplicates = 0
            for _ in 0..<10_000 {
                try await connection.send(#"{"id":"1","method":"test.v1.Echo/Echo"}"# + "\n")
                let answer = try #require(try await readObject(connection))
                if answer.errorReason == "DUPLICATE_CALL_ID" { duplicates += 1 }
                else { #expect(answer["result"] == .object([:])) }
            }
            #expect(duplicates == 0)
            await connection.close()
        }
    }

    @Test func deadlineCancelsTheCallWithDeadlineExceeded() async throws {
        try await withServer { server in
            let client = try await server.client()
            let start = ContinuousClock.now
            let response = try await client.call("test.v1.Echo/Sleep", params: ["ms": .integer(10000)], deadlineMs: 200)
            #expect(response.error?.code == .deadlineExceeded)
            #expect(ContinuousClock.now - start >= .milliseconds(190))
            #expect(ContinuousClock.now - start < .seconds(8), "long before the 10 s sleep ends")
            await client.close()
        }
    }

    @Test func defaultDeadlineAppliesWithoutDeadlineMs() async throws {
        try await withServer({ $0.defaultDeadline = .milliseconds(200) }) { server in
            let client = try await server.client()
            let response = try await client.call("test.v1.Echo/Sleep", params: ["ms": .integer(10000)])
            #expect(response.error?.code == .deadlineExceeded)
            await client.close()
        }
    }

    @Test func streamingItemsArriveInOrderThenTheTerminal() async throws {
        try await withServer { server in
            let client = try await server.client()
            var numbers: [Int64] = []
            var terminal: CallResponse?
            for try await event in client.stream("test.v1.Echo/Stream", params: ["count": .integer(500)]) {
                switch event {
                case .item(let item):
                    #expect(terminal == nil)
                    numbers.append(try #require(item.objectValue?["n"]?.integerValue))
                case .terminal(let response): terminal = response
                }
            }
            #expect(numbers == Array(0..<500))
            #expect(terminal?.result == .object(["count": .integer(500)]))
            let unary = try await client.call("test.v1.Echo/Stream", params: ["count": .integer(3)])
            #expect(unary.items.count == 3)
            await client.close()
        }
    }

    @Test func twoHundredPipelinedCallsOnOneConnectionAreAllAnswered() async throws {
        try await withServer { server in
            let client = try await server.client()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let method = index % 3 == 0 ? "test.v1.Echo/Sleep" : "test.v1.Echo/Echo"
                        let params: JSONObject = index % 3 == 0 ? ["ms": .integer(Int64(index % 7))] : ["i": .integer(index)]
                        let response = try await client.call(method, params: params)
                        #expect(response.error == nil)
                        if index % 3 != 0 { #expect(response.result == .object(["i": .integer(index)])) }
                    }
                }
                try await group.waitForAll()
            }
            await client.close()
        }
    }

    @Test func concurrencyLimitPerConnectionHolds() async throws {
        try await withServer({ $0.maximumConcurrentCallsPerConnection = 3 }) { server in
            let client = try await server.client()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        let response = try await client.call("test.v1.Echo/Sleep", params: ["ms": .integer(30)])
                        #expect(response.error == nil)
                    }
                }
                try await group.waitForAll()
            }
            #expect(server.dispatcher.stats.withLock { $0.highestRunning } == 3)
            await client.close()
        }
    }

    @Test func pendingClientCallsFailClearlyWhenTheConnectionCloses() async throws {
        try await withServer({ $0.maximumLineBytes = 1024 }) { server in
            let client = try await server.client()
            let pending = Task { try await client.call("test.v1.Echo/Sleep", params: ["ms": .integer(5000)]) }
            try #require(try await server.callsRunning(1), "the call is in flight")
            // An oversize request makes the server drop the connection.
            await #expect(throws: TreasuryClientError.self) {
                _ = try await client.call("test.v1.Echo/Echo", params: ["big": .string(String(repeating: "b", count: 4096))])
            }
            // The call in flight is cancelled: its CANCELLED line may still reach the client before
            // the close, otherwise the client fails it with a clear error. It never succeeds.
            switch await pending.result {
            case .success(let response): #expect(response.error?.code == .cancelled)
            case .failure(let error): #expect(error is TreasuryClientError)
            }
            await client.close()
        }
    }
}
