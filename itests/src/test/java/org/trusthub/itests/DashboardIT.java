package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.trusthub.testkit.Await;

/**
 * The dashboard in a real browser: Debian's headless chromium driven through /usr/bin/chromedriver, against the
 * booted distribution with trusthub-web and a SIMULATED ZigBee lamp. Log in, see the simulated thing, enroll a thing
 * with a secret file, take it to OPERATIONAL, decommission it, and watch the topology follow a change made elsewhere
 * (Server-Sent Events). Screenshots go to target/dashboard.png and target/dashboard-phone.png.
 */
public class DashboardIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LAMP_IEEE = "0011223344556677";
    private static final String LAMP_CODE = "83FED3407A939723A5C639B26916D505C3B5";

    private static HubProcess hub;
    private static WebDriver browser;

    @BeforeClass
    public static void boot() throws Exception {
        hub = HubProcess.boot("dashboard-it", List.of("trusthub-zigbee", "trusthub-web"));
        // A SIMULATED lamp joins the simulated ZigBee network, as README's ZigBee walkthrough does.
        hub.console("zigbee:permit-join --ieee " + LAMP_IEEE + " --install-code " + LAMP_CODE + " --owner alice 60",
                "zigbee:simulated-device --install-code " + LAMP_CODE + " --kind dimmable-light " + LAMP_IEEE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterClass
    public static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (hub != null) {
                hub.close();
            }
        }
    }

    @Test
    public void anOperatorEnrollsOperatesAndDecommissionsAThingWhileTheTopologyFollows() throws Exception {
        browser.get(hub.uri("/").toString());
        type("#login-user", HubProcess.ADMIN);
        type("#login-password", HubProcess.ADMIN_PASSWORD);
        click("#login-submit");

        // The simulated lamp is in the topology and the things table, marked SIMULATED.
        WebElement lamp = await("the SIMULATED ZigBee lamp in the things table", () -> first(
                "#things tbody tr[data-thing*='" + LAMP_IEEE.toLowerCase() + "']"));
        assertTrue(lamp.getText(), lamp.getText().contains("SIMULATED"));
        await("the SIMULATED ZigBee binding in the topology", () -> first("#topology [data-simulated='zigbee']"));

        // Enroll with a secret file.
        click("#nav-enroll");
        Path secret = Files.createTempFile("web-lamp", ".hex");
        Files.writeString(secret, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
        type("#enroll-id", "web-lamp-1");
        browser.findElement(By.cssSelector("#enroll-file")).sendKeys(secret.toString());
        type("#enroll-owner", "alice");
        click("#enroll-submit");
        awaitState("MANUFACTURED");

        click("button[data-transition='BOOTSTRAP']");
        awaitState("BOOTSTRAPPING");
        click("button[data-transition='ACTIVATE']");
        awaitState("OPERATIONAL");
        assertEquals("Thing web-lamp-1", browser.findElement(By.cssSelector("#thing-title")).getText());

        click("button[data-transition='DECOMMISSION']");
        click("#decommission-confirm");
        awaitState("DECOMMISSIONED");

        click("#nav-topology");
        await("web-lamp-1 decommissioned in the topology", () -> first(
                "#topology [data-thing='web-lamp-1'][data-state='DECOMMISSIONED']"));

        // A change made elsewhere (the REST API, as a script would) reaches the open page through the event stream.
        WebClient script = new WebClient(hub);
        assertEquals(200, script.login(HubProcess.ADMIN, HubProcess.ADMIN_PASSWORD).status());
        assertEquals(201, script.write("POST", "/api/things", WebClient.enrollSecretFile("live-1", "bob")).status());
        await("live-1 in the topology without a reload", () -> first("#topology [data-thing='live-1']"));
        assertEquals(200, script.write("POST", "/api/things/live-1/transitions", "{\"transition\":\"BOOTSTRAP\"}")
                .status());
        await("live-1 bootstrapping in the things table without a reload", () -> first(
                "#things tbody tr[data-thing='live-1'][data-state='BOOTSTRAPPING']"));

        browser.manage().window().setSize(new Dimension(1280, 1400));
        await("the things table below the topology", () -> first("#things tbody tr[data-thing='web-lamp-1']"));
        screenshot("dashboard.png");
        browser.manage().window().setSize(new Dimension(390, 844));
        await("the things table on a phone-sized screen", () -> first("#things tbody tr[data-thing='live-1']"));
        screenshot("dashboard-phone.png");
    }

    private void awaitState(String state) throws Exception {
        await("the thing page showing " + state, () -> {
            List<WebElement> e = browser.findElements(By.cssSelector("#thing-state"));
            return !e.isEmpty() && e.get(0).isDisplayed() && e.get(0).getText().equals(state) ? e.get(0) : null;
        });
    }

    private static WebElement first(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0);
    }

    /** The page redraws parts of itself as events arrive: an element found just before a redraw is stale. */
    private static <T> T await(String what, Await.Probe<T> probe) throws Exception {
        return Await.until(what, WAIT, probe, java.util.Objects::nonNull,
                e -> e instanceof StaleElementReferenceException);
    }

    private void type(String css, String text) throws Exception {
        WebElement e = await(css, () -> {
            WebElement f = first(css);
            return f != null && f.isDisplayed() ? f : null;
        });
        e.clear();
        e.sendKeys(text);
    }

    private void click(String css) throws Exception {
        await("a click on " + css, () -> {
            WebElement f = first(css);
            if (f == null || !f.isDisplayed() || !f.isEnabled()) {
                return null;
            }
            f.click();
            return f;
        });
    }

    private static void screenshot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(Path.of("target", name), png);
    }
}
