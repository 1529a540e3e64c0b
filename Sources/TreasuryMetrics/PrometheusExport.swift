import Prometheus

extension TreasuryMetrics {
    /// The Prometheus factory for `MetricsSystem.bootstrap` (or for `init(factory:)` in tests),
    /// writing into `registry`, with the treasury's histogram buckets.
    public static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Name.callDuration] = callDurationBuckets
        factory.valueHistogramBuckets[Name.groupCommitSize] = groupCommitSizeBuckets
        factory.valueHistogramBuckets[Name.batchItems] = batchItemsBuckets
        return factory
    }

    /// The Prometheus text format (version 0.0.4) of `registry`, after the scrape-time samplers ran.
    public func prometheusText(_ registry: PrometheusCollectorRegistry) -> [UInt8] {
        sample()
        return registry.emitToBuffer()
    }
}
