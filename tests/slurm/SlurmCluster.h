#pragma once
// A real one-node Slurm cluster on localhost for the tests (issue 16):
// Debian's munge and slurm-wlm daemons, configured in a temporary directory,
// started in the foreground and stopped by pid (never by name).
#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace parity::test {

class SlurmCluster {
public:
    /// Starts munged, slurmctld and slurmd with their files in `dir`, and
    /// sets SLURM_CONF for this process and its children. failure() says why
    /// it is not up, with the daemons' own log lines.
    explicit SlurmCluster(std::string dir)
        : m_dir(std::move(dir))
    {
        start();
    }
    ~SlurmCluster() { stop(); }
    SlurmCluster(const SlurmCluster&) = delete;
    SlurmCluster& operator=(const SlurmCluster&) = delete;

    const std::string& failure() const { return m_failure; }
    const std::string& conf() const { return m_conf; }

    /// The last lines of every daemon log, for a failing test's message.
    std::string logs() const
    {
        std::string out;
        for (const char* name :
             {"munged.log", "munged.out", "slurmctld.log", "slurmctld.out", "slurmd.log", "slurmd.out"}) {
            const std::string path = m_dir + "/log/" + name;
            std::ifstream in(path);
            std::vector<std::string> lines;
            for (std::string line; std::getline(in, line);)
                lines.push_back(line);
            if (lines.empty())
                continue;
            out += "--- " + path + "\n";
            for (size_t i = lines.size() > 25 ? lines.size() - 25 : 0; i < lines.size(); ++i)
                out += lines[i] + "\n";
        }
        return out;
    }

    /// What a command printed (stdout and stderr) and its exit code.
    static std::pair<int, std::string> run(const std::string& command)
    {
        std::string output;
        std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
        if (!pipe)
            return {-1, ""};
        std::array<char, 4096> buf{};
        while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
            output.append(buf.data(), n);
        const int status = ::pclose(pipe);
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
    }

private:
    void start()
    {
        namespace fs = std::filesystem;
        for (const char* program : {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "sinfo"})
            if (run(std::string("command -v ") + program).first != 0)
                m_failure += std::string(program) + " is not installed (./test.sh installs slurm-wlm and munge). ";
        if (!m_failure.empty())
            return;
        for (const char* sub : {"munge", "state", "spool", "log"})
            fs::create_directories(m_dir + "/" + sub);
        fs::permissions(m_dir + "/munge", fs::perms::owner_all, fs::perm_options::replace);
        // A fresh munge key: 1024 random bytes, readable by its owner only.
        {
            std::random_device random;
            std::string key(1024, '\0');
            for (auto& c : key)
                c = char(random() & 0xff);
            std::ofstream(m_dir + "/munge/munge.key", std::ios::binary) << key;
            fs::permissions(m_dir + "/munge/munge.key", fs::perms::owner_read, fs::perm_options::replace);
        }
        const std::string socket = m_dir + "/munge/munge.socket";
        spawn({"munged", "--foreground", "--force", "--key-file=" + m_dir + "/munge/munge.key", "--socket=" + socket,
               "--pid-file=" + m_dir + "/munge/munged.pid", "--log-file=" + m_dir + "/log/munged.log",
               "--seed-file=" + m_dir + "/munge/munged.seed"},
              m_dir + "/log/munged.out");
        if (!waitFor([&] { return fs::exists(socket); }, 20)) {
            m_failure = "munged did not create its socket within 20 s";
            return;
        }
        // The node is this host, by its short name (what slurmd calls itself).
        char hostBuffer[256] = {};
        ::gethostname(hostBuffer, sizeof hostBuffer - 1);
        std::string host = hostBuffer;
        host = host.substr(0, host.find('.'));
        if (host.empty())
            host = "localhost";
        const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
        const long pages = ::sysconf(_SC_PHYS_PAGES);
        const long memoryMb = std::max(512L, pages / 1024 * ::sysconf(_SC_PAGE_SIZE) / 1024 / 2);
        m_conf = m_dir + "/slurm.conf";
        std::ofstream conf(m_conf);
        conf << "ClusterName=paritytest\n"
             << "SlurmctldHost=" << host << "(127.0.0.1)\n"
             << "SlurmUser=root\nSlurmdUser=root\n"
             << "SlurmctldPort=" << freePort() << "\nSlurmdPort=" << freePort() << "\n"
             << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << socket << "\n"
             << "StateSaveLocation=" << m_dir << "/state\nSlurmdSpoolDir=" << m_dir << "/spool\n"
             << "SlurmctldPidFile=" << m_dir << "/slurmctld.pid\nSlurmdPidFile=" << m_dir << "/slurmd.pid\n"
             << "SlurmctldLogFile=" << m_dir << "/log/slurmctld.log\nSlurmdLogFile=" << m_dir << "/log/slurmd.log\n"
             << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
             << "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
             << "SchedulerType=sched/backfill\nSelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
             << "ReturnToService=2\nMpiDefault=none\nSwitchType=switch/none\n"
             << "SlurmctldTimeout=30\nSlurmdTimeout=30\nInactiveLimit=0\nKillWait=20\nMinJobAge=600\n"
             << "SchedulerParameters=sched_interval=2\n"
             << "NodeName=" << host << " NodeAddr=127.0.0.1 CPUs=" << cpus << " RealMemory=" << memoryMb
             << " State=UNKNOWN\n"
             << "PartitionName=debug Nodes=" << host << " Default=YES MaxTime=INFINITE State=UP\n";
        conf.close();
        ::setenv("SLURM_CONF", m_conf.c_str(), 1);
        spawn({"slurmctld", "-D", "-f", m_conf}, m_dir + "/log/slurmctld.out");
        spawn({"slurmd", "-D", "-N", host, "-f", m_conf}, m_dir + "/log/slurmd.out");
        if (!waitFor([] { return run("sinfo -h -o %T").second.find("idle") != std::string::npos; }, 60))
            m_failure = "the node did not come up idle within 60 s (sinfo: " + run("sinfo -h -o %T").second + ")";
    }

    void stop()
    {
        // Cancel what is left, so that no task outlives the cluster.
        if (!m_conf.empty() && m_failure.empty()) {
            run("scancel --user=$(id -un)");
            waitFor([] { return run("squeue -h").second.empty(); }, 30);
        }
        for (auto it = m_pids.rbegin(); it != m_pids.rend(); ++it) {
            ::kill(*it, SIGTERM);
            int status = 0;
            const bool ended = waitFor([&] { return ::waitpid(*it, &status, WNOHANG) == *it; }, 15);
            if (!ended) {
                ::kill(*it, SIGKILL);
                ::waitpid(*it, &status, 0);
            }
        }
    }

    void spawn(std::vector<std::string> argv, const std::string& log)
    {
        std::vector<char*> raw;
        for (auto& a : argv)
            raw.push_back(a.data());
        raw.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        pid_t pid = -1;
        if (::posix_spawnp(&pid, raw[0], &actions, nullptr, raw.data(), environ) == 0)
            m_pids.push_back(pid);
        else
            m_failure += "cannot start " + argv[0] + ". ";
        posix_spawn_file_actions_destroy(&actions);
    }

    template <typename Predicate>
    static bool waitFor(Predicate&& ready, int seconds)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        while (std::chrono::steady_clock::now() < deadline) {
            if (ready())
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return ready();
    }

    /// A TCP port nobody listens on now (the kernel's choice).
    static int freePort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        int port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0
            && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
            port = ntohs(addr.sin_port);
        ::close(fd);
        return port;
    }

    std::string m_dir;
    std::string m_conf;
    std::string m_failure;
    std::vector<pid_t> m_pids;
};

} // namespace parity::test
