// Apache Jena 4.5 (Debian's libapache-jena-java) against a live `kg serve`, as a Jena user writes it.
// Run by tests/test_clients.py: java -cp <jena jars> tests/clients/JenaClient.java URL TOKEN
// Prints one line per step: "STEP <name> ok <detail>" or "STEP <name> FAIL <exception>".
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;

import org.apache.jena.http.auth.AuthEnv;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSet;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.rdfconnection.RDFConnection;
import org.apache.jena.rdfconnection.RDFConnectionRemote;
import org.apache.jena.sparql.exec.http.QueryExecutionHTTP;
import org.apache.jena.sparql.exec.http.UpdateExecutionHTTP;

public class JenaClient {
    static final String DIP = "PREFIX dip: <https://w3id.org/dipkg/ontology#>\n";

    interface Step { String run() throws Exception; }

    static void step(String name, Step s) {
        try {
            System.out.println("STEP " + name + " ok " + s.run());
        } catch (Throwable e) {
            String body = "";
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof org.apache.jena.atlas.web.HttpException) {
                    body = " | " + ((org.apache.jena.atlas.web.HttpException) t).getResponse();
                }
            }
            System.out.println("STEP " + name + " FAIL " + e.getClass().getSimpleName() + ": "
                               + (String.valueOf(e.getMessage()) + body).replace('\n', ' '));
        }
        System.out.flush();
    }

    public static void main(String[] args) {
        String url = args[0], token = args[1];
        HttpClient withPassword = HttpClient.newBuilder().authenticator(new Authenticator() {
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication("dipkg", token.toCharArray());
            }
        }).build();
        step("select", () -> {
            try (QueryExecutionHTTP qe = QueryExecutionHTTP.service(url)
                    .query(DIP + "SELECT ?e WHERE { ?e a dip:Visit } ORDER BY ?e").build()) {
                ResultSet rs = qe.execSelect();
                return String.valueOf(ResultSetFormatter.consume(rs));
            }
        });
        step("undeclared-prefix", () -> {
            QueryFactory.create("SELECT ?e WHERE { ?e a dip:Visit }");
            return "parsed";
        });
        step("update-jdk-authenticator", () -> {
            UpdateExecutionHTTP.service(url).httpClient(withPassword)
                .update(DIP + "INSERT DATA { GRAPH <http://ex/jena> { <http://ex/j1> a dip:Visit } }").execute();
            return "204";
        });
        step("update-authenv", () -> {
            AuthEnv.get().registerUsernamePassword(URI.create(url), "dipkg", token);
            try {
                UpdateExecutionHTTP.service(url)
                    .update(DIP + "INSERT DATA { GRAPH <http://ex/jena> { <http://ex/j2> a dip:Visit } }").execute();
            } finally {
                AuthEnv.get().clearActiveAuthentication();
                AuthEnv.get().unregisterUsernamePassword(URI.create(url));
            }
            return "204";
        });
        step("update-wrong-token", () -> {
            AuthEnv.get().registerUsernamePassword(URI.create(url), "dipkg", "not-the-token");
            try {
                UpdateExecutionHTTP.service(url).update("INSERT DATA { <http://ex/x> <http://ex/p> 1 }").execute();
            } finally {
                AuthEnv.get().unregisterUsernamePassword(URI.create(url));
            }
            return "accepted";
        });
        step("rdfconnection", () -> {
            try (RDFConnection conn = RDFConnectionRemote.service(url).httpClient(withPassword).build()) {
                conn.update(DIP + "INSERT DATA { GRAPH <http://ex/jena> { <http://ex/j3> a dip:Visit } }");
                boolean b = conn.queryAsk(DIP + "ASK { GRAPH <http://ex/jena> { <http://ex/j3> a dip:Visit } }");
                long n = conn.queryConstruct(DIP + "CONSTRUCT { ?e a dip:Visit } WHERE { GRAPH <http://ex/jena> { ?e a dip:Visit } }").size();
                return b + " " + n;
            }
        });
        step("create-existing", () -> {
            try (RDFConnection conn = RDFConnectionRemote.service(url).httpClient(withPassword).build()) {
                conn.update("CREATE GRAPH <http://ex/jena>");
                return "accepted";
            }
        });
        step("unknown-from", () -> {
            try (QueryExecutionHTTP qe = QueryExecutionHTTP.service(url)
                    .query("SELECT * FROM <http://nowhere.example/g> WHERE { ?s ?p ?o }").build()) {
                return String.valueOf(ResultSetFormatter.consume(qe.execSelect()));
            }
        });
    }
}
