//! A process's resident memory, from Linux's `/proc/PID/status` (proc(5): `VmRSS`, and the
//! peak `VmHWM`, in kB).

/// (`VmRSS`, `VmHWM`) of `pid` in kB, or why not.
pub fn of(pid: u32) -> Result<(u64, u64), String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("cannot read /proc/{pid}/status: {e}"))?;
    let kb = |name: &str| -> Result<u64, String> {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((kb("VmRSS:")?, kb("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_this_process() {
        let (rss, hwm) = super::of(std::process::id()).unwrap();
        assert!(rss > 0 && hwm >= rss, "{rss} {hwm}");
        assert!(super::of(u32::MAX).is_err());
    }
}
