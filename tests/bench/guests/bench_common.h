/* Helpers shared by the bench_* guests (scripts/bench_hv.py). */

/* Sort in place (Shell sort: a few thousand samples at most). */
static void sort_u64(u64 *a, unsigned int n)
{
    static const unsigned int gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
    for (unsigned int g = 0; g < ARRAY_SIZE(gaps); g++) {
        unsigned int gap = gaps[g];
        for (unsigned int i = gap; i < n; i++) {
            u64 v = a[i];
            unsigned int j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap)
                a[j] = a[j - gap];
            a[j] = v;
        }
    }
}

/* "bench: <name> n=.. min=.. median=.. p90=.. p99=.. max=.. <extra>" (ticks). */
static void report(const char *name, u64 *a, unsigned int n, const char *extra)
{
    sort_u64(a, n);
    printf("bench: %s n=%u min=%lu median=%lu p90=%lu p99=%lu max=%lu freq=%lu%s%s\n",
           name, n, a[0], a[n / 2], a[(n * 90) / 100], a[(n * 99) / 100], a[n - 1], cntfrq(),
           extra ? " " : "", extra ? extra : "");
}
